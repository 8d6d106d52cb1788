import * as tf from '@tensorflow/tfjs';

export type TimeStatistic = 'mean' | 'max';

interface TimePoolingConfig {
  statistic: TimeStatistic;
  name?: string;
}

/**
 * Global pooling over the time axis only: NHWC `[batch, freq, time, channels]` → `[batch, freq·channels]`.
 * It keeps where in frequency a pattern occurs (which a spectrogram classifier needs; pooling
 * frequency away too throws the formant layout out) while still accepting any number of frames.
 */
export class TimePooling extends tf.layers.Layer {
  static className = 'TimePooling';
  readonly statistic: TimeStatistic;

  constructor(config: TimePoolingConfig) {
    super(config.name === undefined ? {} : { name: config.name });
    if (config.statistic !== 'mean' && config.statistic !== 'max') throw new RangeError(`TimePooling statistic must be 'mean' or 'max', got ${String(config.statistic)}`);
    this.statistic = config.statistic;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 4 || shape[1] == null || shape[3] == null) {
      throw new Error(`TimePooling needs a [batch, freq, time, channels] input with known freq and channels, got [${shape.join(', ')}]`);
    }
    return [shape[0] ?? null, shape[1] * shape[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const [batch, freq, , channels] = x.shape;
      const pooled = this.statistic === 'mean' ? x.mean(2) : x.max(2);
      return pooled.reshape([batch, freq * channels]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), statistic: this.statistic };
  }
}
tf.serialization.registerClass(TimePooling);
