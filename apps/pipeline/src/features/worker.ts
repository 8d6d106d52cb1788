// Piscina worker: one file → its feature tensor, transferred (not copied) back to the main thread.
import { readFile } from 'node:fs/promises';
import { Piscina } from 'piscina';
// hash.js, not index.js: workers need the hash, not lmdb.
import { hashBytes } from '../cache/hash.js';
import type { DecodeOptions, FeatureOptions } from '../config/options.js';
import { errorReason } from '../errors.js';
import { createFeaturePipeline, cropSeed, type FeaturePipeline } from './extract.js';

export interface FeatureTask {
  path: string;
  decode: DecodeOptions;
  features: FeatureOptions;
  /** Crop for this clip (random only for training clips). */
  crop: DecodeOptions['crop'];
  seed: number;
}

export type FeatureTaskResult =
  | { ok: true; path: string; audioHash: string; data: Float32Array; shape: [number, number] }
  | { ok: false; path: string; audioHash?: string; reason: string };

// The extractor (FFT plan, window, filterbank) is built once per worker and option set.
const pipelines = new Map<string, FeaturePipeline>();

function pipelineFor(decode: DecodeOptions, features: FeatureOptions): FeaturePipeline {
  const id = JSON.stringify([decode, features]);
  let pipeline = pipelines.get(id);
  if (!pipeline) pipelines.set(id, (pipeline = createFeaturePipeline(decode, features)));
  return pipeline;
}

export default async function extractFeatures(task: FeatureTask): Promise<FeatureTaskResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(task.path);
  } catch (err) {
    return { ok: false, path: task.path, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const audioHash = hashBytes(bytes);
  try {
    const choice = task.crop === 'random' ? { crop: task.crop, seed: cropSeed(task.seed, audioHash) } : { crop: task.crop };
    const { data, shape } = await pipelineFor(task.decode, task.features).fromBytes(bytes, choice);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) return { ok: false, path: task.path, audioHash, reason: 'features contain NaN or Inf' };
    }
    const result: FeatureTaskResult = { ok: true, path: task.path, audioHash, data, shape };
    // Transfer the tensor's buffer instead of cloning it (piscina's Transferable protocol).
    const movable = {
      get [Piscina.transferableSymbol]() {
        return [data.buffer];
      },
      get [Piscina.valueSymbol]() {
        return result;
      },
    };
    return Piscina.move(movable as unknown as Parameters<typeof Piscina.move>[0]) as unknown as FeatureTaskResult;
  } catch (err) {
    return { ok: false, path: task.path, audioHash, reason: errorReason(err) };
  }
}

