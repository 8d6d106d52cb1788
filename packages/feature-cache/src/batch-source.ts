import { UnreadableEntryError } from './errors.js';
import type { FeatureStore } from './feature-store.js';

/**
 * Where training examples come from: `read(indices)` returns the examples at `indices`
 * concatenated row-major (`indices.length × sampleShape[0] × sampleShape[1]`). The same shape as
 * `@earshot/trainer`'s BatchSource (declared here so the cache does not pull in tfjs), so one of
 * these passes straight to `train`, `evaluate` and `predict`.
 */
export interface BatchSource {
  size: number;
  /** [nMels, nFrames] of one example. */
  sampleShape: [number, number];
  /** Class index of each example. */
  labels: Int32Array;
  read(indices: ArrayLike<number>): Promise<Float32Array> | Float32Array;
}

export interface CacheBatchSourceOptions {
  /** Load every sample into one contiguous Float32Array up front (for datasets that fit in RAM). */
  inMemory?: boolean;
  /**
   * Streaming only: reopen lmdb's memory map after this many bytes were read through it, so the
   * pages of a large dataset don't pile up in this process's RSS (default 16 MiB; 0 = never).
   */
  releaseMappedEveryBytes?: number;
}

const DEFAULT_RELEASE_EVERY_BYTES = 16 * 2 ** 20;

/**
 * Feed training from the cache. By default each `read` pulls just that batch's entries from lmdb
 * (verified, copied straight from the memory map into the batch buffer), so memory stays at one
 * batch whatever the dataset size. `read` is synchronous except every ~16 MiB read, when it
 * returns a promise while the memory map is reopened (see `FeatureStore.releaseMappedMemory`).
 * With `inMemory`, every entry is read (and verified) here, once.
 */
export function cacheBatchSource(
  cache: FeatureStore,
  keys: string[],
  labels: Int32Array,
  sampleShape: [number, number],
  opts: CacheBatchSourceOptions = {},
): BatchSource {
  if (labels.length !== keys.length) {
    throw new Error(`cacheBatchSource: ${keys.length} keys but ${labels.length} labels`);
  }
  const sampleLength = sampleShape[0] * sampleShape[1];
  const sampleBytes = 4 * sampleLength;
  // These entries are in use: refresh their access time so prune's age rule keeps them.
  for (const key of keys) cache.touch(key);

  const checkIndex = (index: number): void => {
    if (!(index >= 0 && index < keys.length && Number.isInteger(index))) {
      throw new RangeError(`cacheBatchSource: sample index ${index} is outside 0..${keys.length - 1}`);
    }
  };
  /** Copy the verified sample `index` from the store into slot `slot` of `target`. */
  const readSample = (index: number, target: Float32Array, slot: number): void => {
    checkIndex(index);
    const key = keys[index]!;
    const bytes = new Uint8Array(target.buffer, target.byteOffset + slot * sampleBytes, sampleBytes);
    const status = cache.readInto(key, bytes);
    if (status === 'ok') return;
    const where = `feature cache ${cache.dir}: entry ${key} (sample ${index})`;
    if (status === 'shape') throw new Error(`${where} has shape [${cache.shapeOf(key)?.join(', ')}], expected [${sampleShape.join(', ')}]`);
    throw new UnreadableEntryError(key, status, `${where} ${status === 'corrupt' ? 'is corrupt (removed, to be recomputed)' : 'is missing'}`);
  };
  type CopySample = (index: number, target: Float32Array, slot: number) => void;
  const gather = (indices: ArrayLike<number>, copy: CopySample): Float32Array => {
    const batch = new Float32Array(indices.length * sampleLength);
    for (let slot = 0; slot < indices.length; slot++) copy(indices[slot]!, batch, slot);
    return batch;
  };
  const source = (read: BatchSource['read']): BatchSource => ({ size: keys.length, sampleShape, labels, read });

  if (opts.inMemory) {
    const all = new Float32Array(keys.length * sampleLength);
    for (let i = 0; i < keys.length; i++) readSample(i, all, i);
    const copyFromMemory: CopySample = (index, target, slot) => {
      checkIndex(index);
      target.set(all.subarray(index * sampleLength, (index + 1) * sampleLength), slot * sampleLength);
    };
    return source((indices) => gather(indices, copyFromMemory));
  }

  const releaseEvery = opts.releaseMappedEveryBytes ?? DEFAULT_RELEASE_EVERY_BYTES;
  const readBatch = (indices: ArrayLike<number>): Float32Array | Promise<Float32Array> => {
    const batch = gather(indices, readSample);
    // Every ~16 MiB read, release the memory map's resident pages (the batch is ready meanwhile).
    if (releaseEvery > 0 && cache.mappedBytesRead >= releaseEvery) {
      return cache.releaseMappedMemory().then(() => batch);
    }
    return batch;
  };
  // A caller reading ahead may ask for the next batch while the map is being reopened.
  return source((indices) => (cache.isReopening ? cache.ready.then(() => readBatch(indices)) : readBatch(indices)));
}
