import type * as tf from '@tensorflow/tfjs';
import { computeGradients, type StepBatch, type StepResult } from './step.js';

/** Computes the gradients of one global batch; local or spread over workers. */
export interface GradientEngine {
  gradients(batch: StepBatch): Promise<StepResult>;
  /** Called after each optimizer step (workers receive the new weights). */
  weightsChanged(): Promise<void>;
  dispose(): Promise<void>;
}

export function localEngine(model: tf.LayersModel, variables: tf.Variable[]): GradientEngine {
  return {
    gradients: async (batch) => computeGradients(model, variables, batch),
    weightsChanged: async () => {},
    dispose: async () => {},
  };
}
