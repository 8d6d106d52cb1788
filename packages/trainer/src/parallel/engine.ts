import type * as tf from '@tensorflow/tfjs';
import type { GradientEngine } from '../engine.js';
import type { ParallelOptions } from './types.js';

export async function parallelEngine(_model: tf.LayersModel, _variables: tf.Variable[], _options: ParallelOptions): Promise<GradientEngine> {
  throw new Error('parallel training is not implemented yet');
}
