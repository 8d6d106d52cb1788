// The seed CNN's training step (batch 32, 128 mels × T frames, Adam 1e-3) on random data, shared by
// the dev scripts: `step()` runs one step and returns the loss.
import * as tf from '@tensorflow/tfjs';

export function seedCnnStep(T, { batch = 32, nClasses = 10 } = {}) {
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [128, T, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: nClasses }),
  ]});
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, 128, T, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, nClasses, 'int32'), nClasses);
  return () => tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true).dataSync()[0]);
}
