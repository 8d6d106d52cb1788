// Piscina worker: a batch of files → their feature tensors, transferred (not copied) back to the main thread.
import { readFileSync } from 'node:fs';
import { Piscina } from 'piscina';
// The /keys entry, not the package root: workers need the hash, not lmdb.
import { hashBytes } from '@earshot/feature-cache/keys';
import type { ResType } from '@earshot/dataset-io';
import type { ClipCrop, FeatureRecipe } from '@earshot/features-mel';
import { errorReason } from '../errors.js';
import { createFileFeatures, cropSeed, type FileFeatures } from './file-features.js';

export interface FeatureTask {
  path: string;
  recipe: FeatureRecipe;
  /** The run's resampler, resolved on the main thread (part of the cache key). */
  resType: ResType;
  /** Crop for this clip (random only for training clips). */
  crop: ClipCrop;
  seed: number;
}

export type FeatureTaskResult =
  | { ok: true; path: string; audioHash: string; data: Float32Array; shape: [number, number] }
  | { ok: false; path: string; audioHash?: string; reason: string };

/** Several files sharing one recipe: one message each way instead of one per file. */
export interface FeatureBatch {
  recipe: FeatureRecipe;
  resType: ResType;
  seed: number;
  clips: { path: string; crop: ClipCrop }[];
}

// The extractor (FFT plan, window, filterbank) is built once per worker, recipe and resampler.
const extractors = new Map<string, FileFeatures>();

function extractorFor(recipe: FeatureRecipe, resType: ResType): FileFeatures {
  const id = `${resType}:${JSON.stringify(recipe)}`;
  let extractor = extractors.get(id);
  if (!extractor) extractors.set(id, (extractor = createFileFeatures(recipe, resType)));
  return extractor;
}

async function extractOne(extractor: FileFeatures, path: string, crop: ClipCrop, seed: number): Promise<FeatureTaskResult> {
  let bytes: Uint8Array;
  try {
    // Sync: this thread has nothing else to do, and it skips a libuv round trip per file.
    bytes = readFileSync(path);
  } catch (err) {
    return { ok: false, path, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const audioHash = hashBytes(bytes);
  try {
    const choice = crop === 'random' ? { crop, seed: cropSeed(seed, audioHash) } : { crop };
    const { data, rows, cols } = await extractor.fromBytes(bytes, choice);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) return { ok: false, path, audioHash, reason: 'features contain NaN or Inf' };
    }
    return { ok: true, path, audioHash, data, shape: [rows, cols] };
  } catch (err) {
    return { ok: false, path, audioHash, reason: errorReason(err) };
  }
}

/** Transfers every tensor's buffer instead of cloning it (piscina's Transferable protocol). */
function moved<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  const movable = {
    get [Piscina.transferableSymbol]() {
      return buffers;
    },
    get [Piscina.valueSymbol]() {
      return value;
    },
  };
  return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as T;
}

export default async function extractFeatureBatch(batch: FeatureBatch): Promise<FeatureTaskResult[]> {
  const extractor = extractorFor(batch.recipe, batch.resType);
  const results: FeatureTaskResult[] = [];
  const buffers = new Set<ArrayBuffer>();
  for (const clip of batch.clips) {
    const result = await extractOne(extractor, clip.path, clip.crop, batch.seed);
    if (result.ok) buffers.add(result.data.buffer as ArrayBuffer);
    results.push(result);
  }
  return moved(results, [...buffers]);
}
