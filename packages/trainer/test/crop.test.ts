import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelSpec } from '@earshot/model-cnn';
import { Xoshiro128 } from '@earshot/random';
import { initBackend, loadDnnl } from '@earshot/tf-runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { soundingExtent, trimmedStarts } from '../src/augment.js';
import { augmentBatch, getAllWeights, predict, train, type BatchLog, type TrainOptions } from '../src/index.js';
import { maxDiff } from './compare.js';
import { syntheticSpectrograms } from './synthetic.js';

// Random crops of a variable-length model: training sees `FRAMES` of `COLS` frames, evaluation the whole clip.
const ROWS = 12;
const COLS = 24;
const FRAMES = 12;
// No batch norm or dropout: their statistics and masks are per worker shard, so only this compares exactly.
const SPEC: ModelSpec = { name: 'cnn', channels: [4, 8], convsPerBlock: 1, head: 'gap+gmp', batchNorm: false, blockDropout: 0, dropout: 0 };
const data = syntheticSpectrograms(24, ROWS, COLS, 3, 9);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

async function cropRun(extra: Partial<TrainOptions> = {}, seed = 4) {
  const model = buildModel(SPEC, { inputShape: [ROWS, null], nClasses: 3, seed });
  const batches: BatchLog[] = [];
  const augment = { crop: { frames: FRAMES }, timeMask: { count: 1, maxWidth: 4 } };
  const result = await train({ model, train: data, epochs: 2, batchSize: 7, lr: 1e-3, seed, augment, onBatchEnd: (b) => batches.push(b), ...extra });
  return { model, batches, result, weights: getAllWeights(model) };
}


describe('random crops', () => {
  it('crop before the masks: a mask wider than the crop is clamped to it, one window per example', () => {
    const n = 3;
    const input = Float32Array.from({ length: n * ROWS * COLS }, (_, k) => k % COLS);
    const { data: out } = augmentBatch(input, [0, 1, 2], { rows: ROWS, cols: COLS, nClasses: 3 }, { crop: { frames: 5 }, timeMask: { count: 1, maxWidth: 100, value: -1 } }, new Xoshiro128(2));
    expect(out).toHaveLength(n * ROWS * 5);
    for (let i = 0; i < n; i++) {
      // Every row of an example is the same window (same offset), masked at the same columns.
      const first = Array.from(out.subarray(i * ROWS * 5, i * ROWS * 5 + 5));
      for (let r = 1; r < ROWS; r++) expect(Array.from(out.subarray((i * ROWS + r) * 5, (i * ROWS + r + 1) * 5))).toEqual(first);
    }
  });

  it('draws the offsets from the seed: same seed, same windows; another seed, others', () => {
    const input = Float32Array.from({ length: 8 * COLS }, (_, k) => k % COLS);
    const crop = (seed: number) => Array.from(augmentBatch(input.slice(), Array(8).fill(0), { rows: 1, cols: COLS, nClasses: 2 }, { crop: { frames: 6 } }, new Xoshiro128(seed)).data);
    expect(crop(7)).toEqual(crop(7));
    expect(crop(7)).not.toEqual(crop(8));
  });

  it('trains a variable-length model on crops reproducibly for a seed, and predicts on the whole clip', async () => {
    const a = await cropRun();
    const b = await cropRun();
    expect(a.batches.map((x) => x.loss)).toEqual(b.batches.map((x) => x.loss));
    expect(maxDiff(a.weights, b.weights)).toBe(0);
    const other = await cropRun({}, 5);
    expect(other.batches.map((x) => x.loss)).not.toEqual(a.batches.map((x) => x.loss));
    // predict feeds all COLS frames: the same as applying the model to the uncropped clips.
    const all = (await data.read(Int32Array.from({ length: data.size }, (_, i) => i))) as Float32Array;
    const expected = tf.tidy(() => tf.softmax(a.model.apply(tf.tensor4d(all, [data.size, ROWS, COLS, 1]), { training: false }) as tf.Tensor2D).dataSync());
    const probs = await predict(a.model, data);
    probs.forEach((p, k) => expect(Math.abs(p - expected[k]!)).toBeLessThan(1e-6));
  });

  it('gives the single-thread losses and weights with 2 data-parallel workers (1e-5)', async () => {
    const single = await cropRun();
    const parallel = await cropRun({ parallel: { workers: 2, backend: 'cpu' } });
    expect(parallel.batches).toHaveLength(single.batches.length);
    parallel.batches.forEach((p, i) => expect(Math.abs(p.loss - single.batches[i]!.loss)).toBeLessThan(1e-5));
    expect(maxDiff(parallel.weights, single.weights)).toBeLessThan(1e-5);
  });

  it.skipIf(loadDnnl().dnnl === null)('runs crops on native (oneDNN) workers with the cpu losses (1e-4), then evaluates whole clips', async () => {
    const single = await cropRun({ epochs: 1 });
    const native = await cropRun({ epochs: 1, validation: data, parallel: { workers: 2, backend: 'native' } });
    native.batches.forEach((p, i) => expect(Math.abs(p.loss - single.batches[i]!.loss)).toBeLessThan(1e-4));
    expect(Number.isFinite(native.result.history[0]!.valLoss)).toBe(true);
  });

  it('runs crops on a wasm worker with the cpu losses (1e-4)', async () => {
    const single = await cropRun({ epochs: 1 });
    const wasm = await cropRun({ epochs: 1, parallel: { workers: 1, backend: 'wasm' } });
    wasm.batches.forEach((p, i) => expect(Math.abs(p.loss - single.batches[i]!.loss) / single.batches[i]!.loss).toBeLessThan(1e-4));
  });
});

/**
 * One example of `cols` frames: `floor` dB (digital silence) except `level` on frames [from, to).
 * Row 0 adds a thousandth of a dB per frame, so a window's first value names its start.
 */
function burst(rows: number, cols: number, from: number, to: number, level = -20, floor = -80): Float32Array {
  const x = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) x[r * cols + c] = (c >= from && c < to ? level - r : floor) + (r === 0 ? c / 1000 : 0);
  return x;
}

/** The starts of the windows that trimmed (or plain) crops draw from 64 copies of `example`, over 4 seeds. */
function cropStarts(example: Float32Array, rows: number, cols: number, frames: number, below: number | null): Set<number> {
  const n = 64;
  const input = new Float32Array(n * rows * cols);
  const starts = new Set<number>();
  for (let seed = 0; seed < 4; seed++) {
    for (let i = 0; i < n; i++) input.set(example, i * rows * cols);
    const crop = below === null ? { frames } : { frames, trim: { below } };
    const { data } = augmentBatch(input, Array(n).fill(0), { rows, cols, nClasses: 2 }, { crop }, new Xoshiro128(seed));
    for (let i = 0; i < n; i++) starts.add(example.subarray(0, cols).indexOf(data[i * rows * frames]!));
  }
  return starts;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe('random crops that keep the sound (crop.trim)', () => {
  it('finds the sounding extent in dB, and the same extent in standardised units', () => {
    const x = burst(ROWS, COLS, 3, 8);
    expect(soundingExtent(x, 0, ROWS, COLS, 20)).toEqual([3, 7]);
    const std = 17;
    expect(soundingExtent(x.map((v) => (v + 50) / std), 0, ROWS, COLS, 20 / std)).toEqual([3, 7]);
    // Room tone 30 dB under the event is silence; a fade of 15 dB over a steady sound is not.
    expect(soundingExtent(burst(ROWS, COLS, 10, 14, -20, -50), 0, ROWS, COLS, 20)).toEqual([10, 13]);
    const fading = Float32Array.from({ length: ROWS * COLS }, (_, k) => -30 - (15 * (k % COLS)) / COLS);
    expect(soundingExtent(fading, 0, ROWS, COLS, 20)).toEqual([0, COLS - 1]);
    // An example with nothing finite to judge by keeps every window.
    expect(soundingExtent(new Float32Array(ROWS * COLS).fill(NaN), 0, ROWS, COLS, 20)).toEqual([0, COLS - 1]);
    const crop = (below: number) => () => augmentBatch(x.slice(), [0], { rows: ROWS, cols: COLS, nClasses: 2 }, { crop: { frames: 8, trim: { below } } }, new Xoshiro128(1));
    expect(crop(-1)).toThrow(/augment\.crop\.trim\.below = -1 must be a level ≥ 0/);
    expect(crop(NaN)).toThrow(RangeError);
    expect(crop(0)().data).toHaveLength(ROWS * 8);
  });

  it('lists every window holding a short extent, and every window inside a long one', () => {
    expect(trimmedStarts([3, 7], 24, 12)).toEqual([0, 3]);
    expect(trimmedStarts([20, 23], 24, 12)).toEqual([12, 12]);
    expect(trimmedStarts([2, 21], 24, 12)).toEqual([2, 10]);
    expect(trimmedStarts([0, 23], 24, 12)).toEqual([0, 12]);
  });

  it('never cuts a short event that fits the window, where plain crops do', () => {
    const example = burst(4, 40, 1, 6); // a 5-frame event at the clip's start, then digital silence
    expect([...cropStarts(example, 4, 40, 20, null)].sort((a, b) => a - b)).toEqual(range(0, 20));
    expect([...cropStarts(example, 4, 40, 20, 20)].sort((a, b) => a - b)).toEqual([0, 1]);
  });

  it("keeps a long event's windows inside it, and leaves a steady clip's windows uniform", () => {
    expect([...cropStarts(burst(4, 40, 8, 36), 4, 40, 20, 20)].sort((a, b) => a - b)).toEqual(range(8, 16));
    expect([...cropStarts(burst(4, 40, 0, 40), 4, 40, 20, 20)].sort((a, b) => a - b)).toEqual(range(0, 20));
    // Where nothing is trimmed, the windows are the very ones plain crops draw from the same seed.
    const mixed = new Float32Array(3 * 4 * 40);
    [burst(4, 40, 0, 40), burst(4, 40, 1, 6), burst(4, 40, 0, 40, -30)].forEach((x, i) => mixed.set(x, i * 4 * 40));
    const windows = (crop: { frames: number; trim?: { below: number } }) =>
      augmentBatch(mixed.slice(), [0, 1, 0], { rows: 4, cols: 40, nClasses: 2 }, { crop }, new Xoshiro128(3)).data;
    const plain = windows({ frames: 20 });
    const kept = windows({ frames: 20, trim: { below: 20 } });
    expect(kept.subarray(0, 80)).toEqual(plain.subarray(0, 80));
    expect(kept.subarray(160)).toEqual(plain.subarray(160));
  });
});
