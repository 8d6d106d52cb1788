export { experimentSchema, type ExperimentConfig, type ExperimentInput } from './schema.js';
export { ConfigError, applyOverrides, formatIssues, loadExperiment, parseExperiment, toYaml } from './load.js';
export * from './options.js';
export { experimentJsonSchema, experimentJsonSchemaText } from './json-schema.js';
