import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index.js';

/** Deterministic values in [-1, 1) (mulberry32), so cpu and wasm see identical inputs. */
export function seededValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
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

/** Runs `compute` on cpu then on repaired wasm; returns both sets of outputs. */
export async function onBothBackends(compute: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = (): Float32Array[] => tf.tidy(compute).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(values);
  });
  await initBackend({ backend: 'cpu' });
  const cpu = run();
  await initBackend({ backend: 'wasm' });
  const wasm = run();
  return { cpu, wasm };
}
