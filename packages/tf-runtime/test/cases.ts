import * as tf from '@tensorflow/tfjs';
import { seededTensor as tensor } from './helpers.js';

// Kernel cases run on every backend earshot replaces kernels on (repaired wasm, native): each
// returns a compute function giving values and gradients, to compare with the cpu backend.

type Pad = 'same' | 'valid';
type Shape4 = [number, number, number, number];

export interface ConvCase { x: Shape4; filter: Shape4; stride: [number, number]; pad: Pad }

/** Odd shapes, batch 1, 'same'/'valid', strides 1–3, non-square and 1×1 filters, wide channels. */
export const CONV_CASES: ConvCase[] = [
  { x: [1, 9, 7, 1], filter: [3, 3, 1, 4], stride: [1, 1], pad: 'same' },
  { x: [3, 8, 11, 2], filter: [3, 3, 2, 5], stride: [1, 1], pad: 'valid' },
  { x: [2, 10, 9, 3], filter: [3, 2, 3, 2], stride: [2, 2], pad: 'same' },
  { x: [5, 11, 8, 4], filter: [3, 3, 4, 3], stride: [2, 1], pad: 'valid' },
  { x: [2, 7, 12, 3], filter: [1, 1, 3, 6], stride: [1, 1], pad: 'same' },
  { x: [4, 12, 6, 2], filter: [5, 3, 2, 3], stride: [3, 2], pad: 'same' },
  { x: [1, 6, 6, 1], filter: [2, 2, 1, 1], stride: [2, 2], pad: 'valid' },
  { x: [3, 16, 13, 17], filter: [3, 3, 17, 33], stride: [1, 1], pad: 'same' },
];

export const convName = (c: ConvCase): string => `x[${c.x}] filter[${c.filter}] stride ${c.stride} ${c.pad}`;

/** conv2d's output and both gradients. */
export function convWithGradients(c: ConvCase): () => tf.Tensor[] {
  return () => {
    const x = tensor(c.x, 1) as tf.Tensor4D;
    const w = tensor(c.filter, 2) as tf.Tensor4D;
    const y = tf.conv2d(x, w, c.stride, c.pad);
    const g = tensor(y.shape, 3);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), g)))([x, w]);
    return [y, dx!, dw!];
  };
}

/** [m, k, n] of 2-D products, with a 1 in each place. */
export const MATMUL_SHAPES: Array<[number, number, number]> = [[1, 7, 5], [13, 1, 9], [32, 37, 10], [6, 33, 1]];

/** op(a)·op(b) and both gradients. */
export function matMulWithGradients(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): () => tf.Tensor[] {
  return () => {
    const a = tensor(transposeA ? [k, m] : [m, k], 14);
    const b = tensor(transposeB ? [n, k] : [k, n], 15);
    const g = tensor([m, n], 16);
    const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, transposeA, transposeB);
    const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(p, q), g)))([a, b]);
    return [f(a, b), da!, db!];
  };
}

export interface PoolCase { shape: Shape4; size: number | [number, number]; stride: number; pad: Pad }

export const POOL_CASES: PoolCase[] = [
  { shape: [1, 8, 6, 3], size: 2, stride: 2, pad: 'valid' },
  { shape: [2, 6, 8, 9], size: 2, stride: 2, pad: 'valid' }, // channels in fours and one left over
  { shape: [3, 9, 7, 2], size: 2, stride: 2, pad: 'valid' },
  { shape: [3, 9, 7, 2], size: 2, stride: 2, pad: 'same' },
  { shape: [2, 7, 7, 4], size: 3, stride: 2, pad: 'same' },
  { shape: [5, 6, 9, 1], size: [3, 2], stride: 1, pad: 'valid' },
];

export const poolName = (c: PoolCase): string => `maxPool ${String(c.size)}/${c.stride} ${c.pad} on [${c.shape}]`;

/** maxPool's output and gradient. */
export function maxPoolWithGradient(c: PoolCase): () => tf.Tensor[] {
  return () => {
    const x = tensor(c.shape, 10);
    const y = tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad);
    const g = tensor(y.shape, 11);
    return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad), g)))(x)];
  };
}

/** The max-pool gradient where windows tie (ReLU zeros: about half the values are exactly 0). */
export function maxPoolTies(): tf.Tensor[] {
  const x = tf.relu(tensor([2, 6, 6, 7], 12));
  const g = tensor([2, 3, 3, 7], 13);
  return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), g)))(x)];
}
