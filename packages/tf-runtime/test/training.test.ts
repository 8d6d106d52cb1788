import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';
import { seededValues } from './helpers.js';

/** A few Adam steps of a small seed-CNN-shaped net, from identical weights and data. */
async function trainLosses(backend: 'cpu' | 'wasm', steps: number): Promise<number[]> {
  await initBackend({ backend });
  const [batch, height, width, classes] = [5, 16, 12, 3];
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [height, width, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 8, activation: 'relu' }),
    tf.layers.dense({ units: classes }),
  ] });
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(seededValues(w.size, 100 + i).map((v) => v * 0.5), w.shape)));
  const x = tf.tensor4d(seededValues(batch * height * width, 7), [batch, height, width, 1]);
  const y = tf.oneHot(tf.tensor1d([0, 2, 1, 1, 0], 'int32'), classes);
  const optimizer = tf.train.adam(1e-2);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true)!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
  return losses;
}

describe('end-to-end training on repaired wasm', () => {
  it('gives the cpu losses over a few Adam steps of a small conv net', async () => {
    const cpu = await trainLosses('cpu', 4);
    const wasm = await trainLosses('wasm', 4);
    expect(cpu[3]).toBeLessThan(cpu[0]!); // it does learn, so the comparison means something
    wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i]!) / Math.abs(cpu[i]!)).toBeLessThan(1e-4));
  });
});
