export { audioSection, experimentSchema, featuresSection, type ExperimentConfig, type ExperimentInput } from './schema.js';
export { ConfigError, applyOverrides, formatIssues, loadExperiment, parseExperiment, toYaml } from './load.js';
export * from './options.js';
export { recipeFromConfig, type FeatureSections } from './recipe.js';
export { experimentJsonSchema, experimentJsonSchemaText } from './json-schema.js';
export { RANDOM_CROP_KEY, randomCropFrames, randomCropTopDb } from './crop.js';
