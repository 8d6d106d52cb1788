import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '@earshot/model-cnn'; // registers SeededDropout for modelFromJSON
import { initBackend } from '@earshot/tf-runtime';
import { computeGradients, trainableVariables } from '../step.js';
import { shardedAdamStep } from './adam-shard.js';
import type { FromWorker, ToWorker } from './protocol.js';

if (!parentPort) throw new Error('@earshot/trainer worker must run in a worker_thread');
const port = parentPort;

let model: tf.LayersModel | undefined;
let variables: tf.Variable[] = [];
let weights: Float32Array | undefined;
let weightSizes: number[] = [];
let trainableFlags: boolean[] = [];
let optimizer: Extract<ToWorker, { kind: 'init' }> | undefined;
let grads: Float32Array | undefined;
let moments: { m: Float32Array; v: Float32Array } | undefined;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/**
 * A tensor's float32 values: on wasm a view of the backend's heap (dataSync would allocate a fresh
 * multi-MB array per gradient per step, i.e. page faults and GC); elsewhere dataSync.
 */
function tensorValues(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array };
  return typeof backend.typedArrayFromHeap === 'function' ? backend.typedArrayFromHeap(t) : (t.dataSync() as Float32Array);
}

function loadSharedWeights(): void {
  let offset = 0;
  const tensors = model!.weights.map((w, i) => {
    const size = weightSizes[i]!;
    const t = tf.tensor(weights!.subarray(offset, offset + size), w.shape as number[], 'float32');
    offset += size;
    return t;
  });
  model!.setWeights(tensors);
  tf.dispose(tensors);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.kind) {
    case 'init': {
      const info = await initBackend({ backend: message.backend, nativeThreads: message.nativeThreads });
      model = await tf.models.modelFromJSON({ modelTopology: message.topology } as Parameters<typeof tf.models.modelFromJSON>[0]);
      variables = trainableVariables(model);
      weights = new Float32Array(message.weights);
      weightSizes = message.weightSizes;
      trainableFlags = message.trainableFlags;
      optimizer = message;
      grads = new Float32Array(message.grads);
      moments = {
        m: new Float32Array(message.moments, 0, message.flatSize),
        v: new Float32Array(message.moments, message.flatSize * 4, message.flatSize),
      };
      post({ kind: 'ready', backend: info.backend });
      return;
    }
    case 'step': {
      loadSharedWeights();
      const { kind: _kind, data, targets, labels, start, count, ...settings } = message;
      const size = settings.rows * settings.cols;
      const result = computeGradients(model!, variables, {
        ...settings,
        data: new Float32Array(data, start * size * 4, count * size),
        targets: new Float32Array(targets, start * settings.nClasses * 4, count * settings.nClasses),
        labels: new Int32Array(labels, start * 4, count),
      });
      // Into this worker's gradient slot, in the flat layout the Adam update reads.
      let offset = optimizer!.slot * optimizer!.flatSize;
      for (const g of result.grads) {
        grads!.set(tensorValues(g), offset);
        offset += g.size;
      }
      tf.dispose(result.grads);
      // Batch-norm moving statistics were updated on this shard; the main thread averages them.
      const nonTrainable = model!.weights.filter((_, i) => !trainableFlags[i]).map((w) => w.read().dataSync().slice() as Float32Array);
      post({ kind: 'step', loss: result.loss, correct: result.correct, nonTrainable }, nonTrainable.map((a) => a.buffer as ArrayBuffer));
      return;
    }
    case 'update': {
      const o = optimizer!;
      shardedAdamStep({
        lo: o.range[0],
        hi: o.range[1],
        t: message.t,
        lr: message.lr,
        hyper: o.hyper,
        grads: grads!,
        slots: message.slots,
        flatSize: o.flatSize,
        m: moments!.m,
        v: moments!.v,
        weights: weights!,
        segments: o.segments,
      });
      post({ kind: 'updated' });
      return;
    }
    case 'close':
      model?.dispose();
      port.close();
      return;
  }
}

port.on('message', (message: ToWorker) => {
  handle(message).catch((error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ kind: 'error', message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) });
  });
});
