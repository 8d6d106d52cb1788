import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelSpec } from '@earshot/model-cnn';
import { Xoshiro128 } from '@earshot/random';
import { initBackend, loadDnnl } from '@earshot/tf-runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch, getAllWeights, predict, train, type BatchLog, type TrainOptions } from '../src/index.js';
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

const maxDiff = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((w, i) => Math.max(...w.map((v, k) => Math.abs(v - b[i]![k]!)))));

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
