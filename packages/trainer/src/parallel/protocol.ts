import type { BackendChoice } from '@earshot/tf-runtime';
import type { StepBatch } from '../step.js';
import type { AdamHyper, Segment } from './adam-shard.js';

/** A step's shape and loss settings, as `computeGradients` takes them beside the batch arrays. */
export type StepSettings = Omit<StepBatch, 'data' | 'targets' | 'labels'>;

/**
 * Main → worker messages. Weights, gradients, Adam moments and batches live in SharedArrayBuffers,
 * so messages stay small and nothing is copied per step but the batch (once, into shared memory).
 */
export type ToWorker =
  | {
      kind: 'init';
      /** model.toJSON() topology; the worker rebuilds the same network from it. */
      topology: object;
      backend: BackendChoice;
      /** oneDNN threads of this worker when `backend` is native. */
      nativeThreads: number;
      /** All weights (model.weights order), float32; the workers' Adam updates write the trainable ones. */
      weights: SharedArrayBuffer;
      weightSizes: number[];
      trainableFlags: boolean[];
      /** One flat gradient vector (trainable variables in order) per worker: this worker writes slot `slot`. */
      grads: SharedArrayBuffer;
      /** Adam's first then second moments, flat, `flatSize` each. */
      moments: SharedArrayBuffer;
      flatSize: number;
      slot: number;
      segments: Segment[];
      /** The flat range [lo, hi) this worker's Adam update covers. */
      range: [number, number];
      hyper: AdamHyper;
    }
  | ({
      kind: 'step';
      /** The whole global batch; this worker reads examples [start, start + count). */
      data: SharedArrayBuffer;
      targets: SharedArrayBuffer;
      labels: SharedArrayBuffer;
      start: number;
      count: number;
    } & StepSettings)
  /** Sum the first `slots` gradient slots and apply Adam step `t` to this worker's range. */
  | { kind: 'update'; lr: number; t: number; slots: number }
  | { kind: 'close' };

/** Worker → main messages. */
export type FromWorker =
  | { kind: 'ready'; backend: string }
  | { kind: 'step'; loss: number; correct: number; nonTrainable: Float32Array[] }
  | { kind: 'updated' }
  | { kind: 'error'; message: string; stack?: string };
