import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CONV_CASES, MATMUL_SHAPES, POOL_CASES, convName, convWithGradients, matMulWithGradients, maxPoolTies, maxPoolWithGradient, poolName } from './cases.js';
import { expectSameAsCpu as expectSameOnBothBackends, onBothBackends, seededTensor as tensor } from './helpers.js';

describe('Conv2DBackpropInput / Conv2DBackpropFilter on repaired wasm vs cpu', () => {
  for (const c of CONV_CASES) {
    it(`conv2d ${convName(c)}: values and both gradients`, async () => {
      await expectSameOnBothBackends(convWithGradients(c));
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
  for (const c of POOL_CASES) {
    it(`${poolName(c)}: values and gradient`, async () => {
      await expectSameOnBothBackends(maxPoolWithGradient(c));
    });
  }

  it('routes each window gradient to its first maximum when values tie (ReLU zeros)', async () => {
    await expectSameOnBothBackends(maxPoolTies);
  });
});

describe('BatchMatMul on repaired wasm vs cpu', () => {
  for (const [m, k, n] of MATMUL_SHAPES) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`[${m}×${k}]·[${k}×${n}] transposeA=${transposeA} transposeB=${transposeB}, with gradients`, async () => {
          await expectSameOnBothBackends(matMulWithGradients(m, k, n, transposeA, transposeB));
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
