export { hashBytes, featureKey, featureKeyer, canonicalJson, type FeatureKeyParts } from './hash.js';
export { encodeTensor, decodeTensor, type FeatureTensor } from './codec.js';
export { FeatureCache, CACHE_FILE, type CacheCounters, type Claim, type RunRecord } from './store.js';
export { fillMissing, type FillMissingOptions, type FillMissingResult } from './fill-missing.js';
export { cacheBatchSource, estimateInMemoryBytes, type BatchSource, type CacheBatchSourceOptions } from './batch-source.js';
export { cacheInfo, cachePrune, type PruneOptions } from './commands.js';
export { exportNpz, type ExportEntry, type ExportNpzOptions } from './npz.js';
export { encodeNpyFloat32, encodeNpyInt64, encodeNpyStrings } from './npy.js';
export { parseDuration, parseByteSize, formatBytes } from './units.js';
