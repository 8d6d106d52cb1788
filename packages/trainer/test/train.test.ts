import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelSpec } from '@earshot/model-cnn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@earshot/tf-runtime';
import { arraySource, evaluate, getAllWeights, predict, readCheckpoint, train, type BatchLog, type EpochLog, type TrainOptions } from '../src/index.js';
import { syntheticSpectrograms } from './synthetic.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'earshot-trainer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ROWS = 12;
const COLS = 12;
const trainSet = syntheticSpectrograms(48, ROWS, COLS, 3, 1);
const valSet = syntheticSpectrograms(24, ROWS, COLS, 3, 2);

function run(spec: ModelSpec, seed: number, extra: Partial<TrainOptions> = {}) {
  const model = buildModel(spec, { inputShape: [ROWS, COLS], nClasses: 3, seed });
  return { model, result: train({ model, train: trainSet, epochs: 3, batchSize: 8, lr: 1e-3, seed, ...extra }) };
}

describe('train', () => {
  it('learns the synthetic task with seed-cnn and reports progress events', async () => {
    const batches: BatchLog[] = [];
    const epochs: EpochLog[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const { model, result } = run({ name: 'seed-cnn' }, 3, {
      epochs: 4,
      validation: valSet,
      onBatchEnd: (b) => batches.push(b),
      onEpochEnd: (e) => epochs.push(e),
    });
    const { history } = await result;
    // only the model's own weights remain: no tensor leaks from steps, Adam or validation
    expect(tf.memory().numTensors - tensorsBefore).toBe(model.weights.length);
    expect(batches).toHaveLength(4 * 6);
    expect(batches[5]).toMatchObject({ epoch: 1, batch: 6, batches: 6, epochs: 4, lr: 1e-3 });
    expect(batches[5]!.etaSeconds).toBe(0);
    expect(batches[23]!.runEtaSeconds).toBe(0);
    expect(batches[0]!.runEtaSeconds).toBeGreaterThan(batches[0]!.etaSeconds);
    expect(epochs).toEqual(history);
    expect(history[3]!.loss).toBeLessThan(history[0]!.loss);
    const val = await evaluate(model, valSet);
    expect(val.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(val.loss).toBeCloseTo(history[3]!.valLoss!, 5);
    const probs = await predict(model, valSet, 5);
    expect(probs).toHaveLength(24 * 3);
    for (let i = 0; i < 24; i++) expect(probs[i * 3]! + probs[i * 3 + 1]! + probs[i * 3 + 2]!).toBeCloseTo(1, 5);
    expect(Array.from(probs)).toEqual(Array.from(val.probs));
  });

  it('is bit-identical for one seed (dropout, batch norm, augmentation, class weights) and differs for another', async () => {
    const spec: ModelSpec = { name: 'cnn', channels: [4, 8], convsPerBlock: 1, blockDropout: 0.2, dropout: 0.3 };
    const extra: Partial<TrainOptions> = {
      epochs: 2,
      classWeights: 'auto',
      augment: { timeShift: { maxFrames: 3 }, freqMask: { count: 1, maxWidth: 3 }, timeMask: { count: 1, maxWidth: 3 }, mixup: { alpha: 0.4 } },
    };
    const a = run(spec, 11, extra);
    const ha = (await a.result).history;
    const b = run(spec, 11, extra);
    const hb = (await b.result).history;
    const c = run(spec, 12, extra);
    const hc = (await c.result).history;
    const strip = (h: EpochLog[]) => h.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(hb)).toEqual(strip(ha));
    expect(getAllWeights(b.model)).toEqual(getAllWeights(a.model));
    expect(hc[1]!.loss).not.toBe(ha[1]!.loss);
  });

  it('early stopping restores the best epoch weights', async () => {
    // Validation labels rotated by one class: the better the model learns, the worse validation gets,
    // so the best epoch comes early and restoring it must change the weights.
    const shifted = arraySource(await valSet.read(Int32Array.from({ length: valSet.size }, (_, i) => i)), valSet.labels.map((l) => (l + 1) % 3), [ROWS, COLS]);
    const { model, result } = run({ name: 'cnn', channels: [4, 8], convsPerBlock: 1, batchNorm: false, dropout: 0, blockDropout: 0 }, 5, {
      epochs: 8,
      lr: 0.01,
      validation: shifted,
      earlyStopping: { patience: 2, monitor: 'val_loss' },
    });
    const r = await result;
    const best = r.bestEpoch!;
    expect(best).toBeLessThan(r.history.length); // otherwise restoring would prove nothing
    const bestLoss = Math.min(...r.history.map((h) => h.valLoss!));
    expect(r.history[best - 1]!.valLoss).toBe(bestLoss);
    expect(r.history.filter((h) => h.best).at(-1)!.epoch).toBe(best);
    if (r.stoppedEarly) expect(r.history.length).toBe(best + 2);
    expect((await evaluate(model, shifted)).loss).toBeCloseTo(bestLoss, 6);
  });

  it('resumes a killed run to the same final weights, and refuses a changed fingerprint', async () => {
    const spec: ModelSpec = { name: 'cnn', channels: [4, 8], convsPerBlock: 1, blockDropout: 0.2 };
    const common: Partial<TrainOptions> = {
      epochs: 4,
      validation: valSet,
      schedule: { kind: 'plateau', patience: 0, factor: 0.5 },
      augment: { freqMask: { count: 1, maxWidth: 2 }, mixup: { alpha: 0.2 } },
      fingerprint: 'cfg-1',
    };
    const full = run(spec, 21, { ...common, checkpointDir: join(dir, 'full') });
    const fullHistory = (await full.result).history;

    const killedDir = join(dir, 'killed');
    const killed = run(spec, 21, {
      ...common,
      checkpointDir: killedDir,
      onEpochEnd: (e) => {
        if (e.epoch === 2) throw new Error('killed');
      },
    });
    await expect(killed.result).rejects.toThrow('killed');

    await expect(run(spec, 21, { ...common, checkpointDir: killedDir, resume: true, fingerprint: 'cfg-2' }).result).rejects.toThrow(
      /resume refused.*cfg-1.*cfg-2/,
    );
    const resumed = run(spec, 21, { ...common, checkpointDir: killedDir, resume: true });
    const r = await resumed.result;
    expect(r.resumedFromEpoch).toBe(2);
    const strip = (h: EpochLog[]) => h.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(r.history)).toEqual(strip(fullHistory));
    expect(getAllWeights(resumed.model)).toEqual(getAllWeights(full.model));
  });

  it('fitEpochs sets the total after epoch 1: the same run as that total from the start, kept across resume', async () => {
    const spec: ModelSpec = { name: 'cnn', channels: [4], convsPerBlock: 1, blockDropout: 0.2 };
    const common: Partial<TrainOptions> = { epochs: 5, validation: valSet, schedule: { kind: 'cosine', minLr: 1e-4 }, fingerprint: 'fit' };
    const strip = (h: EpochLog[]) => h.map(({ seconds: _s, ...rest }) => rest);
    const fitCalls: number[] = [];
    const batches: BatchLog[] = [];
    const fitted = run(spec, 31, {
      ...common,
      checkpointDir: join(dir, 'fit-full'),
      fitEpochs: (seconds) => (fitCalls.push(seconds), 3),
      onBatchEnd: (b) => batches.push(b),
    });
    const r = await fitted.result;
    expect(fitCalls).toHaveLength(1);
    // The epoch at its steady pace: no longer than as timed (its warm-up left out), and not nothing.
    expect(fitCalls[0]).toBeGreaterThan(0);
    expect(fitCalls[0]).toBeLessThanOrEqual(r.history[0]!.seconds);
    expect(r.epochs).toBe(3);
    expect(batches.map((b) => b.epochs)).toEqual([...Array(6).fill(5), ...Array(12).fill(3)]);
    expect(batches.at(-1)!.runEtaSeconds).toBe(0);
    expect((await readCheckpoint(join(dir, 'fit-full')))!.fittedEpochs).toBe(3);

    // Cosine over 3 epochs from the start: same lrs (base lr at epoch 0 whatever the total), weights and logs.
    const direct = run(spec, 31, { ...common, epochs: 3 });
    const d = await direct.result;
    expect(d.history.map((e) => e.lr)).toEqual([1e-3, 1e-4 + (9e-4 * (1 + Math.cos(Math.PI / 3))) / 2, 1e-4 + (9e-4 * (1 + Math.cos((2 * Math.PI) / 3))) / 2]);
    expect(strip(r.history)).toEqual(strip(d.history));
    expect(getAllWeights(fitted.model)).toEqual(getAllWeights(direct.model));

    // Killed after epoch 2: the resume keeps the fitted total and does not fit again.
    const killedDir = join(dir, 'fit-killed');
    const killed = run(spec, 31, {
      ...common,
      checkpointDir: killedDir,
      fitEpochs: () => 3,
      onEpochEnd: (e) => {
        if (e.epoch === 2) throw new Error('killed');
      },
    });
    await expect(killed.result).rejects.toThrow('killed');
    const resumed = run(spec, 31, {
      ...common,
      checkpointDir: killedDir,
      resume: true,
      fitEpochs: () => {
        throw new Error('fitEpochs called on resume');
      },
    });
    const rr = await resumed.result;
    expect(rr.resumedFromEpoch).toBe(2);
    expect(rr.epochs).toBe(3);
    expect(strip(rr.history)).toEqual(strip(r.history));
    expect(getAllWeights(resumed.model)).toEqual(getAllWeights(fitted.model));

    await expect(run(spec, 31, { ...common, fitEpochs: () => 6 }).result).rejects.toThrow(/fitEpochs must return an integer in 1\.\.5 \(epochs\), got 6/);
  });

  it('stops after the current batch when aborted, keeping the last complete checkpoint', async () => {
    const controller = new AbortController();
    const checkpointDir = join(dir, 'aborted');
    let seen = 0;
    const { result } = run({ name: 'cnn', channels: [4], convsPerBlock: 1 }, 2, {
      epochs: 3,
      checkpointDir,
      labelSmoothing: 0.1,
      onBatchEnd: (b) => {
        seen++;
        if (b.epoch === 2 && b.batch === 2) controller.abort();
      },
      signal: controller.signal,
    });
    const r = await result;
    expect(r.aborted).toBe(true);
    expect(seen).toBe(6 + 2);
    expect(r.history).toHaveLength(1);
    expect((await readCheckpoint(checkpointDir))!.epoch).toBe(1);
  });

  it('crops longer cached examples: random windows in training, the centre for predict', async () => {
    const long = syntheticSpectrograms(12, ROWS, 20, 3, 6); // cached 20 frames, model takes 12
    const spec: ModelSpec = { name: 'seed-cnn' };
    for (const augment of [undefined, { crop: { frames: 12 } }]) {
      const model = buildModel(spec, { inputShape: [ROWS, 12], nClasses: 3, seed: 1 });
      const r = await train({ model, train: long, epochs: 1, batchSize: 6, lr: 1e-3, seed: 1, ...(augment && { augment }) });
      expect(Number.isFinite(r.history[0]!.loss)).toBe(true);
      const all = await long.read(Int32Array.from({ length: 12 }, (_, i) => i));
      const centre = new Float32Array(12 * ROWS * 12);
      for (let i = 0; i < 12 * ROWS; i++) centre.set(all.subarray(i * 20 + 4, i * 20 + 16), i * 12);
      const expected = await predict(model, arraySource(centre, long.labels, [ROWS, 12]));
      expect(Array.from(await predict(model, long))).toEqual(Array.from(expected));
    }
    const model = buildModel(spec, { inputShape: [ROWS, 12], nClasses: 3, seed: 1 });
    await expect(train({ model, train: long, epochs: 1, batchSize: 6, lr: 1e-3, seed: 1, augment: { crop: { frames: 10 } } })).rejects.toThrow(
      /crop\.frames = 10 but the model takes 12/,
    );
  });

  it('rejects bad options with clear messages', async () => {
    await expect(run({ name: 'seed-cnn' }, 1, { labelSmoothing: 1 }).result).rejects.toThrow(/labelSmoothing/);
    await expect(run({ name: 'seed-cnn' }, 1, { earlyStopping: { patience: 1 } }).result).rejects.toThrow(/earlyStopping needs a validation/);
    await expect(run({ name: 'seed-cnn' }, 1, { classWeights: [1, 2] }).result).rejects.toThrow(/classWeights must list 3/);
    await expect(run({ name: 'seed-cnn' }, 1, { batchSize: 0 }).result).rejects.toThrow(/batchSize/);
  });
});
