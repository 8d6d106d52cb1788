import { readFile } from 'node:fs/promises';
import { featureKey, hashBytes, type FeatureCache } from '../cache/index.js';
import type { DecodeOptions, FeatureOptions } from '../config/options.js';
import { FEATURE_CODE_VERSION, cropSeed } from '../features/extract.js';
import { HashMemo } from '../features/hash-memo.js';
import { createFeaturePool, type FeaturePool } from '../features/pool.js';
import type { Logger } from '../log.js';

export interface FeatureJob {
  path: string;
  /** The crop this clip gets (random only for training clips). */
  crop: DecodeOptions['crop'];
  /** sha256 of the file's bytes when the scan already computed it (saves reading the file again). */
  audioHash?: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface FeaturesResult {
  /** Cache key per job, undefined where the file failed. */
  keys: (string | undefined)[];
  shape: [number, number];
  cached: number;
  computed: number;
  failed: SkippedFile[];
}

export interface FeaturesStageOptions {
  decode: DecodeOptions;
  features: FeatureOptions;
  seed: number;
  cache: FeatureCache;
  workers: number | null;
  log: Logger;
  /** Stop at the first failed file (dataset.on_error: fail). */
  failFast?: boolean;
  /** A pool to reuse (bench); created and closed here otherwise. */
  pool?: FeaturePool;
}

/** The cache key of one clip: content hash + every parameter that shapes its tensor. */
export function clipKey(audioHash: string, crop: DecodeOptions['crop'], opts: Pick<FeaturesStageOptions, 'decode' | 'features' | 'seed'>): string {
  const decode = { ...opts.decode, mono: true, crop, ...(crop === 'random' && { cropSeed: cropSeed(opts.seed, audioHash) }) };
  return featureKey({ audioHash, decode, features: opts.features, codeVersion: FEATURE_CODE_VERSION });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

export class FileFailedError extends Error {
  constructor(readonly file: SkippedFile) {
    super(`${file.path}: ${file.reason}`);
    this.name = 'FileFailedError';
  }
}

/**
 * Features for every job, through the cache. Each file's bytes are hashed first (cheap), so a
 * cached file is never decoded; misses go to the worker pool and are stored as they arrive, so a
 * kill loses only the files in flight.
 */
export async function featuresStage(jobs: readonly FeatureJob[], opts: FeaturesStageOptions): Promise<FeaturesResult> {
  const keys: (string | undefined)[] = new Array(jobs.length).fill(undefined);
  const failed: SkippedFile[] = [];
  const misses: number[] = [];
  const fail = (file: SkippedFile) => {
    failed.push(file);
    if (opts.failFast) throw new FileFailedError(file);
  };

  const memo = await HashMemo.open(opts.cache.dir);
  await forEachLimited(jobs, 16, async (job, i) => {
    let audioHash = job.audioHash;
    const identity = audioHash ? undefined : HashMemo.identity(job.path);
    if (identity) audioHash = memo.get(identity);
    if (!audioHash) {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(job.path);
      } catch (err) {
        return fail({ path: job.path, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      }
      audioHash = hashBytes(bytes);
      if (identity) memo.set(identity, audioHash);
    }
    const key = clipKey(audioHash, job.crop, opts);
    if (opts.cache.has(key)) keys[i] = key;
    else misses.push(i);
  });
  await memo.save().catch(() => undefined);
  const cached = jobs.length - misses.length - failed.length;

  let computed = 0;
  if (misses.length) {
    const pool = opts.pool ?? createFeaturePool(opts.workers);
    const bar = opts.log.progress('features', misses.length);
    const writes: Promise<void>[] = [];
    try {
      await Promise.all(
        misses.map(async (i) => {
          const job = jobs[i]!;
          const result = await pool.run({ path: job.path, decode: opts.decode, features: opts.features, crop: job.crop, seed: opts.seed });
          if (!result.ok) return fail({ path: job.path, reason: result.reason });
          const key = clipKey(result.audioHash, job.crop, opts);
          writes.push(opts.cache.put(key, { data: result.data, shape: result.shape }));
          keys[i] = key;
          bar.update(++computed);
        }),
      );
    } finally {
      bar.stop();
      await Promise.allSettled(writes);
      if (!opts.pool) await pool.close();
    }
    await Promise.all(writes);
    await opts.cache.flush();
  }
  failed.sort((a, b) => a.path.localeCompare(b.path));
  return { keys, shape: commonShape(keys, opts.cache, jobs), cached, computed, failed };
}

/** Every tensor must have one shape, or the model cannot take them as a batch. */
function commonShape(keys: readonly (string | undefined)[], cache: FeatureCache, jobs: readonly FeatureJob[]): [number, number] {
  let shape: number[] | undefined;
  let first = '';
  for (const [i, key] of keys.entries()) {
    if (!key) continue;
    const s = cache.shapeOf(key);
    if (!s) throw new Error(`feature cache lost the entry for ${jobs[i]!.path}`);
    if (!shape) {
      shape = s;
      first = jobs[i]!.path;
    } else if (s[0] !== shape[0] || s[1] !== shape[1]) {
      throw new Error(
        `clips give different feature shapes (${first}: ${shape.join('×')}, ${jobs[i]!.path}: ${s.join('×')}); ` +
          'set audio.duration to pad/crop every clip to one length',
      );
    }
  }
  if (!shape || shape.length !== 2) throw new Error('no features: every file failed');
  return [shape[0]!, shape[1]!];
}
