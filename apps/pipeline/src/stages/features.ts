import type { ResType } from '@earshot/dataset-io';
import { featureKeyer, type FeatureStore } from '@earshot/feature-cache';
import type { ClipCrop, FeatureRecipe } from '@earshot/features-mel';
import { killPoint } from '@earshot/model-cnn/kill-point';
import { FEATURE_CODE_VERSION } from '../features/file-features.js';
import { createFeaturePool, type FeaturePool } from '../features/pool.js';
import type { Logger } from '../log.js';
import type { ScanStageResult } from './scan.js';
import type { SplitPlan } from './split.js';

export interface FeatureJob {
  path: string;
  /** The crop this clip gets (random only for training clips). */
  crop: ClipCrop;
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
  /** The recipe's normalisation is not applied here: the cache holds features before it. */
  recipe: FeatureRecipe;
  /** The resampler that makes the waveforms (features differ slightly between soxr_hq and speex). */
  resType: ResType;
  seed: number;
  cache: FeatureStore;
  workers: number | null;
  log: Logger;
  /** Stop at the first failed file (dataset.on_error: fail). */
  failFast?: boolean;
  /** A pool to reuse (bench); created and closed here otherwise. */
  pool?: FeaturePool;
}

export type ClipKeyer = (audioHash: string, crop: ClipCrop) => string;

/**
 * Cache keys of clips: content hash + every recipe parameter that shapes the tensor (all but the
 * normalisation, which is applied after the cache) + the resampler, so a soxr_hq run is never
 * served speex features or the reverse. A random crop's position is a function of
 * (seed, content hash) (see `cropSeed`), so its key names the seed.
 */
export function clipKeyer(opts: Pick<FeaturesStageOptions, 'recipe' | 'resType' | 'seed'>): ClipKeyer {
  const keyers = new Map<ClipCrop, (audioHash: string) => string>();
  const features = { ...opts.recipe, normalization: undefined };
  return (audioHash, crop) => {
    let keyer = keyers.get(crop);
    if (!keyer) {
      const decode = { mono: true, resType: opts.resType, crop, ...(crop === 'random' && { cropSeedFrom: opts.seed }) };
      keyer = featureKeyer({ decode, features, codeVersion: FEATURE_CODE_VERSION });
      keyers.set(crop, keyer);
    }
    return keyer(audioHash);
  };
}

/**
 * One job per scanned item. Random crops are for training clips only: held-out clips are cropped
 * centred, and so is every clip under k-fold CV, which tests each clip once.
 */
export function featureJobs(scan: ScanStageResult, plan: SplitPlan, recipe: FeatureRecipe): FeatureJob[] {
  const crop = recipe.clip?.crop ?? 'start';
  const trainRole = plan.folds.length === 1 ? new Set(plan.folds[0]!.train) : new Set<number>();
  const hashes = scan.contentHashes();
  return scan.items.map((item, i) => ({
    path: item.path,
    ...(hashes.has(item.path) && { audioHash: hashes.get(item.path)! }),
    crop: crop === 'random' ? (trainRole.has(i) ? 'random' : 'center') : crop,
  }));
}

export class FileFailedError extends Error {
  constructor(readonly file: SkippedFile) {
    super(`${file.path}: ${file.reason}`);
    this.name = 'FileFailedError';
  }
}

/** Keys claimed and computed together: small enough that concurrent runs split the work. */
const CLAIM_CHUNK = 64;
/** How often to look for entries another process is computing. */
const WAIT_FOR_OTHERS_MS = 250;

/**
 * Features for every job, through the cache. Each file's content hash comes first (remembered by
 * the cache per file identity, so unchanged files are not even read), so a cached file is never
 * decoded. Misses are claimed in chunks, so runs sharing one cache split the work instead of
 * doing it twice, computed on the worker pool and stored as they arrive: a kill loses only the
 * files in flight, and its claims lapse at once.
 */
export async function featuresStage(jobs: readonly FeatureJob[], opts: FeaturesStageOptions): Promise<FeaturesResult> {
  const { cache } = opts;
  const keys: (string | undefined)[] = new Array(jobs.length).fill(undefined);
  const clipKey = clipKeyer(opts);
  /** Shapes of the entries in use, from the cache index or as computed. */
  const shapes = new Map<string, number[]>();
  const use = (key: string, shape: number[], indices: Iterable<number>) => {
    shapes.set(key, shape);
    for (const i of indices) keys[i] = key;
  };
  const failed: SkippedFile[] = [];
  const fail = (file: SkippedFile) => {
    failed.push(file);
    if (opts.failFast) throw new FileFailedError(file);
  };

  /** Missing key → the jobs that need it (identical files share one entry). */
  const missing = new Map<string, number[]>();
  for (const [i, job] of jobs.entries()) {
    let audioHash = job.audioHash;
    if (!audioHash) {
      try {
        audioHash = cache.fileHash(job.path);
      } catch (err) {
        fail({ path: job.path, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        continue;
      }
    }
    const key = clipKey(audioHash, job.crop);
    const shape = cache.knownShape(key);
    if (shape) use(key, shape, [i]);
    else missing.set(key, [...(missing.get(key) ?? []), i]);
  }

  let computed = 0;
  if (missing.size) {
    const pool = opts.pool ?? createFeaturePool(opts.workers);
    const bar = opts.log.progress('features', missing.size, { unit: 'files' });
    let done = 0;
    const half = Math.ceil(missing.size / 2);
    const computeOne = async (key: string, indices: number[]): Promise<void> => {
      const job = jobs[indices[0]!]!;
      const result = await pool.run({ path: job.path, recipe: opts.recipe, resType: opts.resType, crop: job.crop, seed: opts.seed });
      if (!result.ok) {
        await cache.release([key]);
        for (const i of indices) fail({ path: jobs[i]!.path, reason: result.reason });
        return;
      }
      // The file may have changed since it was hashed: store under the key of what was decoded.
      const storedKey = clipKey(result.audioHash, job.crop);
      await cache.put(storedKey, { data: result.data, shape: result.shape });
      if (storedKey !== key) await cache.release([key]);
      use(storedKey, result.shape, indices);
      computed += indices.length;
      bar.update(++done);
      if (done === half) killPoint('during-features');
    };
    try {
      while (missing.size) {
        const mine = await cache.claim([...missing.keys()].slice(0, CLAIM_CHUNK));
        const claimed = new Set(mine);
        const work = mine.map((key) => computeOne(key, missing.get(key)!));
        for (const key of mine) missing.delete(key);
        const settled = await Promise.allSettled(work);
        await cache.release(mine.filter((key) => !cache.has(key)));
        const error = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (error) throw error.reason;
        // Entries another run computed meanwhile count as cached.
        for (const [key, indices] of missing) {
          const shape = claimed.has(key) ? undefined : cache.knownShape(key);
          if (!shape) continue;
          use(key, shape, indices);
          missing.delete(key);
          bar.update(++done);
        }
        if (mine.length === 0 && missing.size) await new Promise((resolve) => setTimeout(resolve, WAIT_FOR_OTHERS_MS));
      }
    } finally {
      bar.stop();
      if (!opts.pool) await pool.close();
    }
    await cache.flush();
  }
  const cached = jobs.length - failed.length - computed;
  failed.sort((a, b) => a.path.localeCompare(b.path));
  return { keys, shape: commonShape(keys, shapes, jobs), cached, computed, failed };
}

/** Every tensor must have one shape, or the model cannot take them as a batch. */
function commonShape(keys: readonly (string | undefined)[], shapes: ReadonlyMap<string, number[]>, jobs: readonly FeatureJob[]): [number, number] {
  let shape: number[] | undefined;
  let first = '';
  for (const [i, key] of keys.entries()) {
    if (!key) continue;
    const s = shapes.get(key)!;
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
