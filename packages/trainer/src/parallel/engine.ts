import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { GradientEngine } from '../engine.js';
import type { StepBatch, StepResult } from '../step.js';
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

function addInto(total: Float32Array, values: Float32Array): void {
  for (let i = 0; i < total.length; i++) total[i]! += values[i]!;
}

/** The earshot backend choice matching this thread's tfjs backend, so workers compute alike. */
function currentBackend(): 'node' | 'wasm' | 'cpu' {
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
 * gradient of (its shard's weighted loss sum / the global batch's normaliser), so the sum of the
 * shards' gradients is exactly the single-worker gradient of the same global batch (up to float
 * summation order). Without batch norm or dropout the training math is identical to one worker;
 * with them, batch statistics and dropout masks are per shard (as PyTorch DataParallel).
 */
export async function parallelEngine(model: tf.LayersModel, variables: tf.Variable[], options: ParallelOptions): Promise<GradientEngine> {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`parallel.workers must be a positive integer, got ${count}`);
  const allWeights = model.weights;
  const trainableFlags = allWeights.map((w) => w.trainable);
  const weightSizes = allWeights.map((w) => (w.shape as number[]).reduce((a, b) => a * b, 1));
  const sharedWeights = new SharedArrayBuffer(weightSizes.reduce((a, b) => a + b, 0) * 4);
  const weightView = new Float32Array(sharedWeights);
  const publishWeights = () => {
    let offset = 0;
    allWeights.forEach((w, i) => {
      weightView.set(w.read().dataSync() as Float32Array, offset);
      offset += weightSizes[i]!;
    });
  };
  publishWeights();

  const url = workerUrl();
  const channels = Array.from({ length: count }, () => new WorkerChannel(new Worker(url)));
  const topology = model.toJSON(null, false) as object;
  try {
    await Promise.all(
      channels.map((c) => c.request({ kind: 'init', topology, backend: options.backend ?? currentBackend(), weights: sharedWeights, weightSizes, trainableFlags })),
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

  return {
    async gradients(batch: StepBatch): Promise<StepResult> {
      const n = batch.labels.length;
      const shared = sharedFor(batch);
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
            rows: batch.rows,
            cols: batch.cols,
            nClasses: batch.nClasses,
            dropoutSeed: (batch.dropoutSeed + k) >>> 0,
            normalizer: batch.normalizer,
            classWeights: batch.classWeights,
          }),
        ),
      );
      const results = replies.map((r) => r as Extract<FromWorker, { kind: 'step' }>);
      // Accumulate into the first shard's (transferred, so owned) buffers: no allocation per step.
      const summed = variables.map((_, v) => {
        const total = results[0]!.grads[v]!;
        for (let k = 1; k < results.length; k++) addInto(total, results[k]!.grads[v]!);
        return total;
      });
      // Average batch-norm moving statistics over shards, weighted by shard size.
      const nonTrainableIndices = trainableFlags.flatMap((t, i) => (t ? [] : [i]));
      if (nonTrainableIndices.length > 0) {
        const averaged = nonTrainableIndices.map((_, j) => {
          const out = new Float32Array(results[0]!.nonTrainable[j]!.length);
          results.forEach((r, k) => {
            const w = shards[k]!.count / n;
            const values = r.nonTrainable[j]!;
            for (let i = 0; i < out.length; i++) out[i]! += w * values[i]!;
          });
          return out;
        });
        nonTrainableIndices.forEach((index, j) => {
          const variable = allWeights[index]!;
          tf.tidy(() => {
            variable.write(tf.tensor(averaged[j]!, variable.shape as number[], 'float32'));
          });
        });
      }
      return {
        grads: summed.map((g, v) => tf.tensor(g, variables[v]!.shape, 'float32')),
        loss: results.reduce((s, r) => s + r.loss, 0),
        correct: results.reduce((s, r) => s + r.correct, 0),
      };
    },
    async weightsChanged() {
      publishWeights();
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
