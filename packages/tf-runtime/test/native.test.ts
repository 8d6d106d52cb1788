import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadDnnl, nativeKernelList } from '../src/index.js';
import { CONV_CASES, MATMUL_SHAPES, POOL_CASES, convName, convWithGradients, matMulWithGradients, maxPoolTies, maxPoolWithGradient, poolName } from './cases.js';
import { expectSameAsCpu, seededTensor as tensor, trainLosses } from './helpers.js';

const NATIVE = { backend: 'native' } as const;
const loaded = loadDnnl();
/**
 * Skipped only where the addon is genuinely absent: not where CI requires it (EARSHOT_REQUIRE_NATIVE=1,
 * as @earshot/native's tests), nor where libdnnl's header is installed, so the addon should have built.
 */
const DNNL_HEADER = '/usr/include/oneapi/dnnl/dnnl.hpp';
const absent = loaded.dnnl === null && process.env.EARSHOT_REQUIRE_NATIVE !== '1' && !existsSync(DNNL_HEADER);
if (absent) console.warn(`native oneDNN tests skipped: ${loaded.dnnl === null ? loaded.why : ''} (${DNNL_HEADER} is not installed)`);

describe.skipIf(absent)('oneDNN kernels (backend native) vs cpu', () => {
  it('the addon has its oneDNN part (libdnnl-dev is installed here)', () => {
    expect(loaded.dnnl === null ? loaded.why : 'loaded').toBe('loaded');
  });

  for (const c of CONV_CASES) {
    it(`conv2d ${convName(c)}: values and both gradients`, async () => {
      await expectSameAsCpu(convWithGradients(c), NATIVE);
    });
  }

  it('dilated conv2d (forward)', async () => {
    await expectSameAsCpu(() => [tf.conv2d(tensor([2, 11, 9, 3], 4) as tf.Tensor4D, tensor([3, 2, 3, 4], 5) as tf.Tensor4D, 1, 'same', 'NHWC', [2, 3])], NATIVE);
  });

  for (const activation of ['relu', 'linear'] as const) {
    for (const withBias of [true, false]) {
      it(`fused conv2d, ${withBias ? 'bias' : 'no bias'}, ${activation}: values and gradients`, async () => {
        await expectSameAsCpu(() => {
          const x = tensor([3, 8, 10, 2], 6);
          const w = tensor([3, 3, 2, 4], 7);
          const bias = tensor([4], 8);
          const f = (a: tf.Tensor, b: tf.Tensor, c?: tf.Tensor) => tf.fused.conv2d({
            x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'same', activation, ...(c !== undefined && { bias: c }) });
          const g = tensor([3, 8, 10, 4], 9);
          const inputs = withBias ? [x, w, bias] : [x, w];
          const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(args[0]!, args[1]!, args[2]), g)))(inputs);
          return [f(x, w, withBias ? bias : undefined), ...grads];
        }, NATIVE);
      });
    }
  }

  for (const [m, k, n] of MATMUL_SHAPES) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matMul [${m}×${k}]·[${k}×${n}] transposeA=${transposeA} transposeB=${transposeB}, with gradients`, async () => {
          await expectSameAsCpu(matMulWithGradients(m, k, n, transposeA, transposeB), NATIVE);
        });
      }
    }
  }

  it('batched and broadcast matMul', async () => {
    await expectSameAsCpu(() => [
      tf.matMul(tensor([3, 4, 5], 13) as tf.Tensor3D, tensor([3, 6, 5], 14) as tf.Tensor3D, false, true),
      tf.matMul(tensor([1, 4, 5], 15) as tf.Tensor3D, tensor([3, 5, 2], 16) as tf.Tensor3D),
      tf.matMul(tensor([2, 5, 4], 17) as tf.Tensor3D, tensor([1, 5, 3], 18) as tf.Tensor3D, true, false),
    ], NATIVE);
  });

  it('fused matMul with bias and relu (dense layers), with gradients', async () => {
    await expectSameAsCpu(() => {
      const a = tensor([9, 13], 19);
      const b = tensor([13, 6], 20);
      const bias = tensor([6], 21);
      const g = tensor([9, 6], 22);
      const f = (p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, bias: c, activation: 'relu' });
      const linear = tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'linear' });
      return [f(a, b, bias), linear, ...tf.grads((p: tf.Tensor, q: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(p, q, c), g)))([a, b, bias])];
    }, NATIVE);
  });

  for (const c of POOL_CASES) {
    it(`${poolName(c)}: values and gradient`, async () => {
      await expectSameAsCpu(maxPoolWithGradient(c), NATIVE);
    });
  }

  it('maxPool gradient goes to the first maximum when values tie (ReLU zeros)', async () => {
    await expectSameAsCpu(maxPoolTies, NATIVE);
  });

  it('sum over leading axes (bias gradients); other sums stay on wasm', async () => {
    await expectSameAsCpu(() => {
      const x = tensor([4, 5, 6, 7], 27);
      return [tf.sum(x, [0, 1, 2]), tf.sum(x, [0, 1, 2], true), tf.sum(x, 1), tf.sum(x)];
    }, NATIVE);
  });

  // (Without a scale tfjs cannot take batchNorm's gradient on any backend: it saves an undefined input.)
  it('batch norm with scale and offset (moments, normalisation): values and gradients', async () => {
    await expectSameAsCpu(() => {
      const x = tensor([3, 5, 7, 4], 28);
      const g = tensor([3, 5, 7, 4], 29);
      const scale = tensor([4], 31).add(1.5);
      const offset = tensor([4], 32);
      const f = (a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.batchNorm(a, mean, variance, o, s, 1e-3);
      };
      const grads = tf.grads((a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => tf.sum(tf.mul(f(a, s, o), g)))([x, scale, offset]);
      return [f(x, scale, offset), tf.mean(x, [0, 1, 2]), tf.mean(x, [0, 1, 2], true), tf.mean(x, 2), ...grads];
    }, NATIVE);
  });

  it('a few Adam steps of a seed-CNN-shaped net give the cpu losses', async () => {
    const cpu = await trainLosses({ backend: 'cpu' }, 4);
    const native = await trainLosses(NATIVE, 4);
    expect(cpu[3]).toBeLessThan(cpu[0]!);
    native.forEach((loss, i) => expect(Math.abs(loss - cpu[i]!) / Math.abs(cpu[i]!)).toBeLessThan(1e-4));
  });

  it('batch-norm conv blocks (fused conv, no bias) train as on cpu', async () => {
    await expectSameAsCpu(() => {
      const input = tf.input({ shape: [10, 8, 1] });
      let h = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: 'glorotUniform' }).apply(input) as tf.SymbolicTensor;
      h = tf.layers.batchNormalization({ axis: -1 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
      h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 3 }).apply(tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: out });
      model.setWeights(model.getWeights().map((w, i) => tensor(w.shape, 40 + i).mul(0.5)));
      const x = tensor([4, 10, 8, 1], 30);
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, variables);
      const result = [value, ...variables.map((v) => grads[v.name]!)];
      model.dispose();
      return result;
    }, NATIVE);
  });

  it('lists what each kernel does', () => {
    expect(nativeKernelList().map((k) => k.name)).toContain('Conv2DBackpropFilter');
  });
});
