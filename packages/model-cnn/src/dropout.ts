import * as tf from '@tensorflow/tfjs';

interface SeededDropoutConfig {
  rate: number;
  seed?: number;
  name?: string;
}

/**
 * Dropout whose mask stream is reproducible. tfjs's Dropout reseeds an identical generator on
 * every call (so a fixed seed repeats the same mask each step), or draws from an unseeded one.
 * Here the mask seed is `seed` mixed with a step seed the trainer sets before each step
 * (`setDropoutStep`), so a run is reproducible and resumable while masks still change per step.
 */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  /** Set by the trainer (through `setDropoutStep`) before each training step. */
  stepSeed = 0;

  constructor(config: SeededDropoutConfig) {
    super(config.name === undefined ? {} : { name: config.name });
    if (!(config.rate >= 0 && config.rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${config.rate}`);
    this.rate = config.rate;
    this.seed = config.seed ?? 0;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs['training'] || this.rate === 0) return x;
    // tf.dropout seeds a fresh alea generator from this integer: deterministic per (seed, step).
    const maskSeed = (Math.imul(this.seed ^ 0x5bd1e995, 0x27d4eb2d) ^ this.stepSeed) >>> 0;
    return tf.dropout(x, this.rate, undefined, maskSeed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);

/** Sets the per-step mask seed of every SeededDropout layer in `model` (mixed with each layer's own seed). */
export function setDropoutStep(model: tf.LayersModel, stepSeed: number): void {
  for (const layer of model.layers) if (layer instanceof SeededDropout) layer.stepSeed = stepSeed >>> 0;
}
