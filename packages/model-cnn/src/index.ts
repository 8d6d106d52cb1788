/**
 * @earshot/model-cnn: tfjs CNNs for log-mel spectrogram classification (seed-cnn and a configurable
 * preset), seeded initialisation, summary, and save/load with preprocess.json.
 */
export { buildModel } from './build.js';
export { resolveCnnSpec, type BuildOptions, type CnnSpec, type ModelSpec, type ResolvedCnnSpec, type SeedCnnSpec } from './spec.js';
export { initializeWeights, type InitScheme } from './init.js';
export { SeededDropout, setDropoutStep } from './dropout.js';
export { TimePooling, type TimeStatistic } from './time-pooling.js';
export { countParams, summarize } from './summary.js';
export { modelLayout, ModelShapeError, type LayerLayout, type ModelLayout } from './layout.js';
export { parsePreprocess, preprocessSchema, type Preprocess } from './preprocess.js';
export {
  loadModel,
  loadModelFromArtifacts,
  loadModelFromUrl,
  saveModel,
  serializeModel,
  type LoadedModel,
  type ModelJson,
  type SavedModelFiles,
} from './io.js';
