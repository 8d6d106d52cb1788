import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { currentBackend, type BackendChoice } from '@earshot/tf-runtime';
import type { Adam } from '../adam.js';
import type { TrainingEngine } from '../engine.js';
import type { StepBatch } from '../step.js';
import type { AdamHyper, Segment } from './adam-shard.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { ParallelOptions } from './types.js';

/**
 * The compiled worker next to this module (dist/parallel/worker.js). When this module runs from
 * src (vitest), the sibling is worker.ts, so fall back to the built one in dist.
 */
export function workerUrl(): URL {
  const sibling = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../../dist/parallel/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error(`@earshot/trainer: worker entry not found at ${fileURLToPath(sibling)} or ${fileURLToPath(built)}; run \`pnpm --filter @earshot/trainer build\``);
}

/** The earshot backend this thread runs (native and wasm are both tfjs' wasm), so workers compute alike. */
function callerBackend(): BackendChoice {
  const chosen = currentBackend();
  if (chosen !== null) return chosen;
  const name = tf.getBackend();
  return name === 'tensorflow' ? 'node' : name === 'wasm' ? 'wasm' : 'cpu';
}

class WorkerChannel {
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      if (m.kind === 'error') p.reject(new Error(`trainer worker failed: ${m.message}`));
      else p.resolve(m);
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (this.pending) this.fail(new Error(`trainer worker exited with code ${code}`));
    });
  }

  private fail(error: Error): void {
    this.failure = error;
    this.pending?.reject(error);
    this.pending = null;
  }

  request(message: ToWorker): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }
}

/**
 * Splits each global batch into contiguous shards, one per worker. Each worker computes the
 * gradient of (its shard's weighted loss sum / the global batch's normaliser) into its slot of a
 * shared gradient buffer, so the slots sum exactly to the single-worker gradient of the same global
 * batch (up to float summation order). Then each worker sums the slots over its own range of the
 * parameters and applies Adam there, in shared weights and moments: the optimizer step is split
 * across cores and the main thread does no tensor work per step. The model's variables and the
 * `Adam` state are written back by `sync()`. Without batch norm or dropout the training math is
 * identical to one worker; with them, batch statistics and dropout masks are per shard (as PyTorch
 * DataParallel).
 */
export async function parallelEngine(model: tf.LayersModel, variables: tf.Variable[], adam: Adam, options: ParallelOptions): Promise<TrainingEngine> {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`parallel.workers must be a positive integer, got ${count}`);
  const allWeights = model.weights;
  const trainableFlags = allWeights.map((w) => w.trainable);
  const weightSizes = allWeights.map((w) => (w.shape as number[]).reduce((a, b) => a * b, 1));
  const weightOffsets = weightSizes.map((_, i) => weightSizes.slice(0, i).reduce((a, b) => a + b, 0));
  const sharedWeights = new SharedArrayBuffer(weightSizes.reduce((a, b) => a + b, 0) * 4);
  const weightView = new Float32Array(sharedWeights);
  allWeights.forEach((w, i) => weightView.set(w.read().dataSync() as Float32Array, weightOffsets[i]));

  // The flat layout of gradients and moments: trainable variables in order.
  let flatSize = 0;
  const segments: Segment[] = variables.map((variable) => {
    const index = allWeights.findIndex((w) => w.read() === variable);
    if (index < 0) throw new Error(`parallel training: trainable variable ${variable.name} is not among the model's weights`);
    const segment = { flatStart: flatSize, weightOffset: weightOffsets[index]!, size: weightSizes[index]! };
    flatSize += segment.size;
    return segment;
  });
  const sharedGrads = new SharedArrayBuffer(count * flatSize * 4);
  const sharedMoments = new SharedArrayBuffer(2 * flatSize * 4);
  const m = new Float32Array(sharedMoments, 0, flatSize);
  const v = new Float32Array(sharedMoments, flatSize * 4, flatSize);
  const initial = adam.getState(); // zeros, or the checkpoint's moments on resume
  segments.forEach((seg, i) => {
    m.set(initial.m[i]!, seg.flatStart);
    v.set(initial.v[i]!, seg.flatStart);
  });
  let t = initial.step;
  let syncedAt = t;
  const hyper: AdamHyper = { beta1: adam.beta1, beta2: adam.beta2, epsilon: adam.epsilon, weightDecay: adam.weightDecay };

  const url = workerUrl();
  const channels = Array.from({ length: count }, () => new WorkerChannel(new Worker(url)));
  const topology = model.toJSON(null, false) as object;
  const backend = options.backend ?? callerBackend();
  // oneDNN's threads per worker: the cores shared out, so workers × threads never oversubscribe.
  const nativeThreads = options.nativeThreads ?? Math.max(1, Math.floor(availableParallelism() / count));
  try {
    await Promise.all(
      channels.map((c, k) =>
        c.request({
          kind: 'init', topology, backend, nativeThreads, weights: sharedWeights, weightSizes, trainableFlags,
          grads: sharedGrads, moments: sharedMoments, flatSize, slot: k, segments,
          range: [Math.floor((k * flatSize) / count), Math.floor(((k + 1) * flatSize) / count)], hyper,
        }),
      ),
    );
  } catch (error) {
    await Promise.all(channels.map((c) => c.worker.terminate()));
    throw error;
  }

  let buffers: { data: SharedArrayBuffer; targets: SharedArrayBuffer; labels: SharedArrayBuffer } | null = null;
  const sharedFor = (batch: StepBatch) => {
    const need = [batch.data.length * 4, batch.targets.length * 4, batch.labels.length * 4] as const;
    if (!buffers || buffers.data.byteLength < need[0] || buffers.targets.byteLength < need[1] || buffers.labels.byteLength < need[2]) {
      buffers = { data: new SharedArrayBuffer(need[0]), targets: new SharedArrayBuffer(need[1]), labels: new SharedArrayBuffer(need[2]) };
    }
    new Float32Array(buffers.data).set(batch.data);
    new Float32Array(buffers.targets).set(batch.targets);
    new Int32Array(buffers.labels).set(batch.labels);
    return buffers;
  };
  const nonTrainableIndices = trainableFlags.flatMap((trainable, i) => (trainable ? [] : [i]));

  return {
    async step(batch: StepBatch, lr: number) {
      const n = batch.labels.length;
      const shared = sharedFor(batch);
      const { data: _data, targets: _targets, labels: _labels, ...settings } = batch;
      const shards: { start: number; count: number }[] = [];
      for (let k = 0, start = 0; k < count; k++) {
        const size = Math.floor(n / count) + (k < n % count ? 1 : 0);
        if (size > 0) shards.push({ start, count: size });
        start += size;
      }
      const replies = await Promise.all(
        shards.map((shard, k) =>
          channels[k]!.request({
            kind: 'step',
            ...shared,
            ...shard,
            ...settings,
            dropoutSeed: (batch.dropoutSeed + k) >>> 0,
          }),
        ),
      );
      const results = replies.map((r) => r as Extract<FromWorker, { kind: 'step' }>);
      // Batch-norm moving statistics: averaged over shards, weighted by shard size.
      nonTrainableIndices.forEach((index, j) => {
        const out = weightView.subarray(weightOffsets[index]!, weightOffsets[index]! + weightSizes[index]!);
        out.fill(0);
        results.forEach((r, k) => {
          const w = shards[k]!.count / n;
          const values = r.nonTrainable[j]!;
          for (let i = 0; i < out.length; i++) out[i]! += w * values[i]!;
        });
      });
      t += 1;
      await Promise.all(channels.map((c) => c.request({ kind: 'update', lr, t, slots: shards.length })));
      return {
        loss: results.reduce((s, r) => s + r.loss, 0),
        correct: results.reduce((s, r) => s + r.correct, 0),
      };
    },
    async sync() {
      if (t === syncedAt) return;
      const tensors = allWeights.map((w, i) => tf.tensor(weightView.slice(weightOffsets[i]!, weightOffsets[i]! + weightSizes[i]!), w.shape as number[], 'float32'));
      model.setWeights(tensors);
      tf.dispose(tensors);
      adam.setState({
        step: t,
        m: segments.map((seg) => m.slice(seg.flatStart, seg.flatStart + seg.size)),
        v: segments.map((seg) => v.slice(seg.flatStart, seg.flatStart + seg.size)),
      });
      syncedAt = t;
    },
    async dispose() {
      await Promise.all(
        channels.map(async (c) => {
          c.worker.postMessage({ kind: 'close' } satisfies ToWorker);
          await c.worker.terminate();
        }),
      );
    },
  };
}
