// Piscina worker: a batch of files → their feature tensors, transferred (not copied) back to the main thread.
import { readFileSync } from 'node:fs';
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

/** Several files sharing one option set: one message each way instead of one per file. */
export interface FeatureBatch {
  decode: DecodeOptions;
  features: FeatureOptions;
  seed: number;
  clips: { path: string; crop: DecodeOptions['crop'] }[];
}

// The extractor (FFT plan, window, filterbank) is built once per worker and option set.
const pipelines = new Map<string, FeaturePipeline>();

function pipelineFor(decode: DecodeOptions, features: FeatureOptions): FeaturePipeline {
  const id = JSON.stringify([decode, features]);
  let pipeline = pipelines.get(id);
  if (!pipeline) pipelines.set(id, (pipeline = createFeaturePipeline(decode, features)));
  return pipeline;
}

async function extractOne(
  pipeline: FeaturePipeline,
  path: string,
  crop: DecodeOptions['crop'],
  seed: number,
): Promise<FeatureTaskResult> {
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
    const { data, shape } = await pipeline.fromBytes(bytes, choice);
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) return { ok: false, path, audioHash, reason: 'features contain NaN or Inf' };
    }
    return { ok: true, path, audioHash, data, shape };
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
  const pipeline = pipelineFor(batch.decode, batch.features);
  const results: FeatureTaskResult[] = [];
  const buffers = new Set<ArrayBuffer>();
  for (const clip of batch.clips) {
    const result = await extractOne(pipeline, clip.path, clip.crop, batch.seed);
    if (result.ok) buffers.add(result.data.buffer as ArrayBuffer);
    results.push(result);
  }
  return moved(results, [...buffers]);
}
