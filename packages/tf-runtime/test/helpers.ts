import * as tf from '@tensorflow/tfjs';
import { Mulberry32 } from '@earshot/random';
import { expect } from 'vitest';
import { initBackend, type InitBackendOptions } from '../src/index.js';

/** Deterministic values in [-1, 1) (mulberry32), so cpu and wasm see identical inputs. */
export function seededValues(size: number, seed: number): Float32Array {
  const rng = new Mulberry32(seed);
  return Float32Array.from({ length: size }, () => rng.uniform(-1, 1));
}

/** max |a − b| / max |b|: error relative to the reference's scale. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `compute` on cpu then on `backend` (repaired wasm by default); returns both sets of outputs. */
export async function onBothBackends(
  compute: () => tf.Tensor[], backend: InitBackendOptions = { backend: 'wasm' },
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = (): Float32Array[] => tf.tidy(compute).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(values);
  });
  await initBackend({ backend: 'cpu' });
  const cpu = run();
  await initBackend(backend);
  const wasm = run();
  return { cpu, wasm };
}

/** A few Adam steps of a small seed-CNN-shaped net, from identical weights and data. */
export async function trainLosses(options: InitBackendOptions, steps: number): Promise<number[]> {
  await initBackend(options);
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


/** `compute`'s outputs on `backend` match cpu's within `tolerance` (relative to each output's scale). */
export async function expectSameAsCpu(
  compute: () => tf.Tensor[], backend: InitBackendOptions = { backend: 'wasm' }, tolerance = 1e-4,
): Promise<void> {
  const { cpu, wasm } = await onBothBackends(compute, backend);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((expected, i) => {
    expect(relativeError(wasm[i]!, expected), `output ${i}`).toBeLessThanOrEqual(tolerance);
  });
}

/** A tensor of `shape` with seeded values in [-1, 1). */
export function seededTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape);
}
