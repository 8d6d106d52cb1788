// Keys (backend-independent; also `@earshot/feature-cache/keys`, without lmdb).
export { hashBytes, featureKey, featureKeyer, canonicalJson, type FeatureKeyParts } from './keys.js';
// The store interface, and its lmdb implementation.
export type { FeatureStore, ReadStatus, CacheCounters, AccessRecord, RunRecord } from './feature-store.js';
export { FeatureCache, CACHE_FILE, type FeatureCacheOptions, type RawRecords } from './lmdb-store.js';
export { encodeTensor, decodeTensor, type FeatureTensor } from './tensor-codec.js';
export { encodeShape, decodeShape } from './entry-records.js';
export type { Claim } from './claims.js';
export { UnreadableEntryError, CacheDiskFullError, CacheDamagedError } from './errors.js';
// Reading for training, maintenance, export.
export { cacheBatchSource, type BatchSource, type CacheBatchSourceOptions } from './batch-source.js';
export { cacheInfo } from './info.js';
export { cacheVerify, cacheRepair, formatVerify, verifyFailed, type VerifyReport, type BadEntry } from './verify.js';
export { cachePrune, pruneStore, type PruneOptions } from './prune.js';
export { exportNpz, type ExportEntry, type ExportNpzOptions } from './npz-export.js';
export { parseDuration, parseByteSize, formatBytes } from './units.js';
