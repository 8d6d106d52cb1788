import { arraySource, type BatchSource } from '@earshot/trainer';
import { UnreadableEntryError } from './errors.js';
import type { FeatureCache } from './store.js';

export type { BatchSource };

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
 * returns a promise while the memory map is reopened (see `FeatureCache.releaseMappedMemory`).
 */
export function cacheBatchSource(
  cache: FeatureCache,
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

  const copySample = (index: number, target: Float32Array, slot: number): void => {
    const key = keys[index];
    if (key === undefined || !Number.isInteger(index)) {
      throw new RangeError(`cacheBatchSource: sample index ${index} is outside 0..${keys.length - 1}`);
    }
    const bytes = new Uint8Array(target.buffer, target.byteOffset + slot * sampleBytes, sampleBytes);
    const status = cache.readInto(key, bytes);
    if (status === 'ok') return;
    const where = `feature cache ${cache.dir}: entry ${key} (sample ${index})`;
    if (status === 'shape') throw new Error(`${where} has shape [${cache.shapeOf(key)?.join(', ')}], expected [${sampleShape.join(', ')}]`);
    throw new UnreadableEntryError(key, status, `${where} ${status === 'corrupt' ? 'is corrupt (removed, to be recomputed)' : 'is missing'}`);
  };

  if (opts.inMemory) {
    const all = new Float32Array(keys.length * sampleLength);
    for (let i = 0; i < keys.length; i++) copySample(i, all, i);
    return arraySource(all, labels, sampleShape);
  }

  const releaseEvery = opts.releaseMappedEveryBytes ?? DEFAULT_RELEASE_EVERY_BYTES;
  const readBatch = (indices: ArrayLike<number>): Float32Array | Promise<Float32Array> => {
    const batch = new Float32Array(indices.length * sampleLength);
    for (let slot = 0; slot < indices.length; slot++) copySample(indices[slot]!, batch, slot);
    if (releaseEvery > 0 && cache.mappedBytesRead >= releaseEvery) {
      return cache.releaseMappedMemory().then(() => batch);
    }
    return batch;
  };
  return {
    size: keys.length,
    sampleShape,
    labels,
    read(indices) {
      // A caller reading ahead may ask for the next batch while the map is being reopened.
      return cache.isReopening ? cache.ready.then(() => readBatch(indices)) : readBatch(indices);
    },
  };
}

/** Bytes an in-memory source would hold; the pipeline compares it to its threshold. */
export function estimateInMemoryBytes(count: number, sampleShape: [number, number]): number {
  return count * sampleShape[0] * sampleShape[1] * 4;
}
