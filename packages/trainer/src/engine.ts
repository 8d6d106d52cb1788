import * as tf from '@tensorflow/tfjs';
import type { Adam } from './adam.js';
import { computeGradients, type StepBatch } from './step.js';

/** Runs training steps (gradients + optimizer update) of one global batch; locally or over workers. */
export interface TrainingEngine {
  /** One forward/backward pass and Adam update; returns the batch loss and correct count. */
  step(batch: StepBatch, lr: number): Promise<{ loss: number; correct: number }>;
  /**
   * Brings the model's variables and the Adam state up to date (an engine may keep them elsewhere
   * between steps). Called before anything reads the model or the optimizer: validation, checkpoints, the end.
   */
  sync(): Promise<void>;
  dispose(): Promise<void>;
}

export function localEngine(model: tf.LayersModel, variables: tf.Variable[], adam: Adam): TrainingEngine {
  return {
    async step(batch, lr) {
      const result = computeGradients(model, variables, batch);
      adam.apply(result.grads, lr);
      tf.dispose(result.grads);
      return { loss: result.loss, correct: result.correct };
    },
    sync: async () => {},
    dispose: async () => {},
  };
}
