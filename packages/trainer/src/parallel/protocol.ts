import type { BackendChoice } from '@earshot/tf-runtime';

/** Main → worker messages. Weights and batches live in SharedArrayBuffers, so messages stay small. */
export type ToWorker =
  | {
      kind: 'init';
      /** model.toJSON() topology; the worker rebuilds the same network from it. */
      topology: object;
      backend: BackendChoice;
      /** All weights (model.weights order), float32, rewritten by the main thread after each step. */
      weights: SharedArrayBuffer;
      weightSizes: number[];
      trainableFlags: boolean[];
    }
  | {
      kind: 'step';
      /** The whole global batch; this worker reads examples [start, start + count). */
      data: SharedArrayBuffer;
      targets: SharedArrayBuffer;
      labels: SharedArrayBuffer;
      start: number;
      count: number;
      rows: number;
      cols: number;
      nClasses: number;
      dropoutSeed: number;
      normalizer: number;
      classWeights: number[] | null;
    }
  | { kind: 'close' };

/** Worker → main messages; gradient buffers are transferred, not copied. */
export type FromWorker =
  | { kind: 'ready'; backend: string }
  | { kind: 'step'; grads: Float32Array[]; loss: number; correct: number; nonTrainable: Float32Array[] }
  | { kind: 'error'; message: string; stack?: string };
