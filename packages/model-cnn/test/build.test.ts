import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@earshot/tf-runtime';
import { buildModel, countParams, loadModelFromArtifacts, SeededDropout, serializeModel, setDropoutStep, summarize, TimePooling } from '../src/index.js';
import { samplePreprocess } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe('seed-cnn', () => {
  it('has the seed architecture: conv16, conv32, pool floor, fc128, fc nClasses', () => {
    const model = buildModel({ name: 'seed-cnn' }, { inputShape: [128, 45], nClasses: 10, seed: 1 });
    // 128×45 → pool → 64×22 → pool → 32×11 (floor, as torch MaxPool2d(2)); 32·11·32 = 11264 inputs to fc1
    expect(model.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'fc2']);
    expect(model.getLayer('flatten').outputShape).toEqual([null, 11264]);
    expect(countParams(model)).toBe(160 + 4640 + (11264 * 128 + 128) + (128 * 10 + 10));
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    const table = summarize(model);
    expect(table).toMatch(/fc1\s+Dense\s+\[None, 128\]\s+1441920/);
    expect(table).toContain('Total params: 1,448,010');
  });

  it('uses PyTorch default init: U(±1/√fanIn) for kernels and biases', () => {
    const model = buildModel({ name: 'seed-cnn' }, { inputShape: [32, 16], nClasses: 4, seed: 7 });
    const fanIns: Record<string, number> = { conv1: 9, conv2: 144, fc1: 8 * 4 * 32, fc2: 128 };
    for (const [name, fanIn] of Object.entries(fanIns)) {
      const bound = 1 / Math.sqrt(fanIn);
      for (const w of model.getLayer(name).getWeights()) {
        const v = w.dataSync() as Float32Array;
        const max = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expect(max, name).toBeLessThanOrEqual(bound);
        if (v.length >= 100) {
          // uniform on ±b has std b/√3 and fills most of the range
          const mean = v.reduce((s, x) => s + x, 0) / v.length;
          const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
          expect(std / (bound / Math.sqrt(3)), name).toBeGreaterThan(0.9);
          expect(std / (bound / Math.sqrt(3)), name).toBeLessThan(1.1);
          expect(max, name).toBeGreaterThan(0.95 * bound);
        }
      }
    }
  });

  it('is bit-identical for one seed and different for another', () => {
    const spec = { name: 'seed-cnn' } as const;
    const a = weightsOf(buildModel(spec, { inputShape: [16, 16], nClasses: 3, seed: 42 }));
    const b = weightsOf(buildModel(spec, { inputShape: [16, 16], nClasses: 3, seed: 42 }));
    const c = weightsOf(buildModel(spec, { inputShape: [16, 16], nClasses: 3, seed: 43 }));
    expect(b).toEqual(a);
    expect(c[0]).not.toEqual(a[0]);
  });

  it('rejects bad shapes with a clear message', () => {
    expect(() => buildModel({ name: 'seed-cnn' }, { inputShape: [128, null], nClasses: 10, seed: 1 })).toThrow(/fixed nFrames/);
    expect(() => buildModel({ name: 'seed-cnn' }, { inputShape: [3, 40], nClasses: 10, seed: 1 })).toThrow(/at least 4×4/);
    expect(() => buildModel({ name: 'cnn', channels: [] }, { inputShape: [8, 8], nClasses: 2, seed: 1 })).toThrow(/channels/);
  });
});

describe('cnn preset', () => {
  it('accepts variable lengths through global average pooling', () => {
    const model = buildModel({ name: 'cnn', channels: [8, 16], blockDropout: 0.2, dropout: 0.5 }, { inputShape: [32, null], nClasses: 5, seed: 3 });
    for (const frames of [17, 40]) {
      const out = tf.tidy(() => model.predict(tf.randomNormal([2, 32, frames, 1])) as tf.Tensor);
      expect(out.shape).toEqual([2, 5]);
      out.dispose();
    }
    expect(model.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(true);
  });

  it('is deterministic per seed, including batch-norm identity statistics', () => {
    const spec = { name: 'cnn', channels: [4, 8], head: 'gap+gmp', denseUnits: 16 } as const;
    const a = weightsOf(buildModel(spec, { inputShape: [16, 12], nClasses: 3, seed: 5 }));
    const b = weightsOf(buildModel(spec, { inputShape: [16, 12], nClasses: 3, seed: 5 }));
    expect(b).toEqual(a);
  });
});

describe('time-axis head', () => {
  it('TimePooling averages / maxes over time only and keeps (freq, channel) order', () => {
    const x = tf.randomNormal([2, 3, 5, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const values = x.arraySync();
    for (const statistic of ['mean', 'max'] as const) {
      const out = (new TimePooling({ statistic }).apply(x) as tf.Tensor2D).arraySync();
      for (let b = 0; b < 2; b++) {
        for (let f = 0; f < 3; f++) {
          for (let c = 0; c < 4; c++) {
            const series = values[b]![f]!.map((frame) => frame[c]!);
            const expected = statistic === 'mean' ? series.reduce((s, v) => s + v, 0) / series.length : Math.max(...series);
            expect(out[b]![f * 4 + c]).toBeCloseTo(expected, 5);
          }
        }
      }
    }
  });

  it('gives freq × channels features, takes any length, and survives save/load', async () => {
    const spec = { name: 'cnn', channels: [4, 8], head: 'gap+gmp', headAxes: 'time' } as const;
    const model = buildModel(spec, { inputShape: [16, null], nClasses: 3, seed: 2 });
    expect(model.getLayer('gap_gmp').outputShape).toEqual([null, 2 * (16 / 4) * 8]);
    const loaded = await loadModelFromArtifacts(await serializeModel(model, samplePreprocess(16, 20, ['a', 'b', 'c'])));
    for (const frames of [9, 31]) {
      const x = tf.randomNormal([2, 16, frames, 1], 0, 1, 'float32', frames);
      const before = (model.predict(x) as tf.Tensor).arraySync();
      expect((loaded.model.predict(x) as tf.Tensor).arraySync()).toEqual(before);
    }
  });
});

describe('SeededDropout', () => {
  it('is identity at inference, and its training mask depends only on (seed, step)', () => {
    const layer = new SeededDropout({ rate: 0.5, seed: 9 });
    const x = tf.ones([4, 64]);
    expect(Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [64] }), layer] });
    const run = (step: number) => {
      setDropoutStep(model, step);
      return Array.from((model.apply(x, { training: true }) as tf.Tensor).dataSync());
    };
    const step1 = run(1);
    expect(run(1)).toEqual(step1);
    expect(run(2)).not.toEqual(step1);
    const kept = step1.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 2) < 1e-6)).toBe(true); // inverted dropout scales by 1/(1-rate)
    expect(kept.length / step1.length).toBeGreaterThan(0.35);
    expect(kept.length / step1.length).toBeLessThan(0.65);
  });
});
