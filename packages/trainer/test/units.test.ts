import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@earshot/random';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@earshot/tf-runtime';
import { Adam, augmentBatch, balancedClassWeights, LrSchedule } from '../src/index.js';
import { weightedCrossEntropySums } from '../src/loss.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const P0 = [0.5, -1.25, 2];
const GRADS = [
  [0.1, -0.2, 0.3],
  [-0.4, 0.05, 0.3],
  [0.2, 0.2, -1e-3],
];

/** torch.optim.Adam (λ = 0) or AdamW (weight_decay λ) in float64: the parameters after each step. */
function torchAdamSteps(lrs: number[], weightDecay = 0): number[][] {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const p = [...P0];
  const m = P0.map(() => 0);
  const v = P0.map(() => 0);
  return GRADS.map((g, step) => {
    const t = step + 1;
    const lr = lrs[step]!;
    for (let i = 0; i < p.length; i++) {
      p[i] = p[i]! * (1 - lr * weightDecay); // AdamW: param.mul_(1 - lr * weight_decay) before the step
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] = p[i]! - (lr / (1 - b1 ** t)) * (m[i]! / denom);
    }
    return [...p];
  });
}

/** Runs `adam` over GRADS, checking each step against `reference`. */
function expectSteps(adam: Adam, variable: tf.Variable, lrs: number[], reference: number[][]): void {
  GRADS.forEach((g, step) => {
    const gt = tf.tensor1d(g);
    adam.apply([gt], lrs[step]!);
    gt.dispose();
    const got = variable.dataSync();
    reference[step]!.forEach((want, i) => expect(got[i]).toBeCloseTo(want, 6));
  });
}

describe('Adam', () => {
  it('follows PyTorch torch.optim.Adam step by step (float64 reference)', () => {
    const lrs = [0.01, 0.01, 0.01];
    const variable = tf.variable(tf.tensor1d(P0));
    const adam = new Adam([variable]);
    expectSteps(adam, variable, lrs, torchAdamSteps(lrs));
    // state round trip continues identically
    const state = adam.getState();
    expect(state.step).toBe(3);
    const twin = tf.variable(variable.clone());
    const adam2 = new Adam([twin]);
    adam2.setState(state);
    const g = tf.tensor1d([0.3, -0.3, 0.1]);
    adam.apply([g], 0.01);
    adam2.apply([g], 0.01);
    expect(Array.from(twin.dataSync())).toEqual(Array.from(variable.dataSync()));
  });

  it('with weight decay follows torch.optim.AdamW step by step, decaying with the step\'s lr', () => {
    const lrs = [0.01, 0.005, 0.02];
    const variable = tf.variable(tf.tensor1d(P0));
    expectSteps(new Adam([variable], { weightDecay: 0.3 }), variable, lrs, torchAdamSteps(lrs, 0.3));
    // The decay is what moves it: every weight ends nearer zero than plain Adam's.
    const plain = torchAdamSteps(lrs).at(-1)!;
    variable.dataSync().forEach((w, i) => expect(Math.abs(w)).toBeLessThan(Math.abs(plain[i]!)));
  });
});

describe('loss', () => {
  it('weighted cross-entropy equals PyTorch CrossEntropyLoss(weight) for hard labels', () => {
    const logits = [
      [2, 0.5, -1],
      [0.1, 0.2, 0.3],
      [-1, 3, 0],
    ];
    const labels = [0, 2, 1];
    const w = [1, 2, 0.5];
    // torch: sum_i w[y_i] * (-log softmax(z_i)[y_i]) / sum_i w[y_i]
    let num = 0;
    let den = 0;
    logits.forEach((z, i) => {
      const lse = Math.log(z.reduce((s, x) => s + Math.exp(x), 0));
      num += w[labels[i]!]! * (lse - z[labels[i]!]!);
      den += w[labels[i]!]!;
    });
    const { lossSum, weightSum } = weightedCrossEntropySums(tf.tensor2d(logits), tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat() as tf.Tensor2D, tf.tensor1d(w));
    expect(lossSum.dataSync()[0]! / weightSum.dataSync()[0]!).toBeCloseTo(num / den, 5);
  });
  it('balanced class weights are n / (C · count)', () => {
    expect(balancedClassWeights([0, 0, 0, 1], 3)).toEqual([4 / 9, 4 / 3, 0]);
  });
});

describe('LrSchedule', () => {
  it('step and cosine follow their formulas', () => {
    const step = new LrSchedule({ kind: 'step', stepSize: 2, gamma: 0.5 }, 1, 6);
    expect([0, 1, 2, 3, 4].map((e) => step.lrForEpoch(e))).toEqual([1, 1, 0.5, 0.5, 0.25]);
    const cosine = new LrSchedule({ kind: 'cosine', minLr: 0.1 }, 1, 4);
    expect(cosine.lrForEpoch(0)).toBe(1);
    expect(cosine.lrForEpoch(2)).toBeCloseTo(0.55, 12);
    const warm = new LrSchedule({ kind: 'cosine', warmupEpochs: 1 }, 1, 5);
    expect(warm.lrForEpoch(0)).toBe(0.5);
    expect(warm.lrForEpoch(1)).toBe(1);
  });
  it('plateau cuts the lr after `patience` epochs without relative improvement', () => {
    const s = new LrSchedule({ kind: 'plateau', patience: 1, factor: 0.5, minLr: 0.2 }, 1, 10);
    const lrs: number[] = [];
    for (const loss of [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]) {
      lrs.push(s.lrForEpoch(0));
      s.observe(loss);
    }
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.25]);
    s.observe(0.9);
    s.observe(0.9);
    expect(s.lrForEpoch(0)).toBe(0.2); // floored at minLr
  });
});

describe('augmentBatch', () => {
  const rows = 6;
  const cols = 10;
  const make = () => Float32Array.from({ length: 2 * rows * cols }, (_, i) => i + 1);
  it('time shift rolls each row; masks fill whole bands/spans; all seeded', () => {
    const shifted = augmentBatch(make(), [0, 1], { rows, cols, nClasses: 2 }, { timeShift: { maxFrames: 3 } }, new Xoshiro128(4)).data;
    for (let i = 0; i < 2; i++) {
      for (let r = 0; r < rows; r++) {
        const row = Array.from(shifted.subarray((i * rows + r) * cols, (i * rows + r + 1) * cols)).sort((a, b) => a - b);
        expect(row).toEqual(Array.from({ length: cols }, (_, c) => (i * rows + r) * cols + c + 1));
      }
    }
    const opts = { freqMask: { count: 2, maxWidth: 2, value: 0 }, timeMask: { count: 1, maxWidth: 4, value: 0 } };
    const a = augmentBatch(make(), [0, 1], { rows, cols, nClasses: 2 }, opts, new Xoshiro128(9)).data;
    const b = augmentBatch(make(), [0, 1], { rows, cols, nClasses: 2 }, opts, new Xoshiro128(9)).data;
    expect(a).toEqual(b);
    const zeroed = a.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);
    expect(zeroed).toBeGreaterThan(0);
    // every zero sits in an all-zero row (frequency mask) or an all-zero column (time mask)
    for (let i = 0; i < 2; i++) {
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          if (a[(i * rows + r) * cols + c] !== 0) continue;
          const rowZero = Array.from({ length: cols }, (_, k) => a[(i * rows + r) * cols + k]).every((v) => v === 0);
          const colZero = Array.from({ length: rows }, (_, k) => a[(i * rows + k) * cols + c]).every((v) => v === 0);
          expect(rowZero || colZero).toBe(true);
        }
      }
    }
  });
  it('mixup mixes inputs and targets with the same λ; crop takes a window', () => {
    const { data, targets } = augmentBatch(make(), [0, 1], { rows, cols, nClasses: 2 }, { mixup: { alpha: 1 } }, new Xoshiro128(3));
    for (let i = 0; i < 2; i++) expect(targets[i * 2]! + targets[i * 2 + 1]!).toBeCloseTo(1, 6);
    const original = make();
    // example 0 = λ·x0 + (1−λ)·x_j where targets reveal λ for class 0 (labels [0, 1])
    const lambda0 = targets[0]!;
    const partnerIsOther = lambda0 < 1;
    if (partnerIsOther) expect(data[0]).toBeCloseTo(lambda0 * original[0]! + (1 - lambda0) * original[rows * cols]!, 4);
    const cropped = augmentBatch(make(), [0, 1], { rows, cols, nClasses: 2 }, { crop: { frames: 4 } }, new Xoshiro128(1)).data;
    expect(cropped).toHaveLength(2 * rows * 4);
    const start = cropped[0]! - 1;
    expect(Array.from(cropped.subarray(0, 4))).toEqual([start + 1, start + 2, start + 3, start + 4]);
    expect(() => augmentBatch(make(), [0, 1], { rows, cols, nClasses: 2 }, { crop: { frames: 11 } }, new Xoshiro128(1))).toThrow(/crop\.frames = 11/);
  });
});
