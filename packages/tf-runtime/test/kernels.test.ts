import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onBothBackends, relativeError, seededValues } from './helpers.js';

const TOLERANCE = 1e-4;

function tensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape);
}

async function expectSameOnBothBackends(compute: () => tf.Tensor[]): Promise<void> {
  const { cpu, wasm } = await onBothBackends(compute);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((expected, i) => {
    expect(relativeError(wasm[i]!, expected), `output ${i}`).toBeLessThanOrEqual(TOLERANCE);
  });
}

type Pad = 'same' | 'valid';
interface ConvCase { batch: number; h: number; w: number; inC: number; outC: number; fh: number; fw: number; stride: [number, number]; pad: Pad }

const convCases: ConvCase[] = [
  { batch: 1, h: 9, w: 7, inC: 1, outC: 4, fh: 3, fw: 3, stride: [1, 1], pad: 'same' },
  { batch: 3, h: 8, w: 11, inC: 2, outC: 5, fh: 3, fw: 3, stride: [1, 1], pad: 'valid' },
  { batch: 2, h: 10, w: 9, inC: 3, outC: 2, fh: 3, fw: 2, stride: [2, 2], pad: 'same' },
  { batch: 5, h: 11, w: 8, inC: 4, outC: 3, fh: 3, fw: 3, stride: [2, 1], pad: 'valid' },
  { batch: 2, h: 7, w: 12, inC: 3, outC: 6, fh: 1, fw: 1, stride: [1, 1], pad: 'same' },
  { batch: 4, h: 12, w: 6, inC: 2, outC: 3, fh: 5, fw: 3, stride: [3, 2], pad: 'same' },
  { batch: 1, h: 6, w: 6, inC: 1, outC: 1, fh: 2, fw: 2, stride: [2, 2], pad: 'valid' },
];

describe('Conv2DBackpropInput / Conv2DBackpropFilter on repaired wasm vs cpu', () => {
  for (const c of convCases) {
    const name = `x[${c.batch},${c.h},${c.w},${c.inC}] w[${c.fh},${c.fw},${c.inC},${c.outC}] stride ${c.stride} ${c.pad}`;
    it(`gradients of conv2d, ${name}`, async () => {
      await expectSameOnBothBackends(() => {
        const x = tensor([c.batch, c.h, c.w, c.inC], 1);
        const w = tensor([c.fh, c.fw, c.inC, c.outC], 2);
        const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
        const g = tensor(y.shape, 3);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), g)))([x, w]);
        return [y, dx!, dw!];
      });
    });
  }

  it('fused conv2d + bias + relu (as tf.layers uses it): values and gradients', async () => {
    await expectSameOnBothBackends(() => {
      const x = tensor([3, 8, 10, 2], 4);
      const w = tensor([3, 3, 2, 4], 5);
      const bias = tensor([4], 6);
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.fused.conv2d({
        x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'same', bias: c, activation: 'relu' });
      const g = tensor([3, 8, 10, 4], 7);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), g)))([x, w, bias]);
      return [f(x, w, bias), ...grads];
    });
  });

  it('Conv2DBackpropFilter with explicit padding, called as a kernel', async () => {
    await expectSameOnBothBackends(() => {
      const x = tensor([2, 7, 9, 3], 8);
      const dy = tensor([2, 7, 8, 4], 9);
      const attrs = { strides: [1, 1], pad: [[0, 0], [1, 1], [0, 1], [0, 0]], dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] };
      return [tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor];
    });
  });
});

describe('MaxPoolGrad on repaired wasm vs cpu', () => {
  const poolCases: Array<{ shape: [number, number, number, number]; size: number; stride: number; pad: Pad }> = [
    { shape: [1, 8, 6, 3], size: 2, stride: 2, pad: 'valid' },
    { shape: [3, 9, 7, 2], size: 2, stride: 2, pad: 'same' },
    { shape: [2, 7, 7, 4], size: 3, stride: 2, pad: 'same' },
    { shape: [5, 6, 9, 1], size: 3, stride: 1, pad: 'valid' },
  ];
  for (const c of poolCases) {
    it(`maxPool ${c.size}×${c.size}/${c.stride} ${c.pad} on [${c.shape}]`, async () => {
      await expectSameOnBothBackends(() => {
        const x = tensor(c.shape, 10);
        const y = tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad);
        const g = tensor(y.shape, 11);
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.size, c.stride, c.pad), g)))(x);
        return [y, dx];
      });
    });
  }

  it('routes each window gradient to its first maximum when values tie (ReLU zeros)', async () => {
    await expectSameOnBothBackends(() => {
      const x = tf.relu(tensor([2, 6, 6, 3], 12)); // about half the values are exactly 0
      const g = tensor([2, 3, 3, 3], 13);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), g)))(x)];
    });
  });
});

describe('BatchMatMul on repaired wasm vs cpu', () => {
  const shapes: Array<[number, number, number]> = [[1, 7, 5], [13, 1, 9], [32, 37, 10], [6, 33, 1]];
  for (const [m, k, n] of shapes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`[${m}×${k}]·[${k}×${n}] transposeA=${transposeA} transposeB=${transposeB}, with gradients`, async () => {
          await expectSameOnBothBackends(() => {
            const a = tensor(transposeA ? [k, m] : [m, k], 14);
            const b = tensor(transposeB ? [n, k] : [k, n], 15);
            const g = tensor([m, n], 16);
            const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, transposeA, transposeB);
            const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(p, q), g)))([a, b]);
            return [f(a, b), da!, db!];
          });
        });
      }
    }
  }

  it('batched (rank 3) products fall back to the stock kernel', async () => {
    await expectSameOnBothBackends(() => {
      const a = tensor([3, 4, 5], 17);
      const b = tensor([3, 6, 5], 18);
      return [tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true)];
    });
  });
});

describe('Tile on repaired wasm vs cpu', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 5], [3, 4, 2, 1]], // a batch-norm gradient's per-channel broadcast
    [[2, 3, 4], [2, 1, 3]],
    [[7], [5]],
    [[3, 1, 2, 2, 2], [1, 3, 1, 2, 1]],
    [[2, 3], [1, 1]],
    [[2, 0], [3, 2]],
  ];
  for (const [shape, reps] of cases) {
    it(`tiles float32 [${shape}] by [${reps}] exactly, and int32 and bool too`, async () => {
      const { cpu, wasm } = await onBothBackends(() => {
        const x = tensor(shape, 11);
        return [tf.tile(x, reps), tf.tile(x.mul(100).toInt(), reps).toFloat(), tf.tile(x.greater(0), reps).toFloat()];
      });
      wasm.forEach((values, i) => expect(Array.from(values), `output ${i}`).toEqual(Array.from(cpu[i]!)));
    });
  }

  it('batch-norm layer gradients in training mode match cpu', async () => {
    await expectSameOnBothBackends(() => {
      const layer = tf.layers.batchNormalization({ axis: -1 });
      const x = tensor([4, 6, 5, 3], 12);
      layer.build(x.shape);
      const g = tensor([4, 6, 5, 3], 13);
      const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, g)) as tf.Scalar, variables);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, g)))(x);
      return [value, dx, ...variables.map((v) => grads[v.name]!)];
    });
  });
});
