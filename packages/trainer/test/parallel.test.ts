import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelSpec } from '@earshot/model-cnn';
import { initBackend, loadDnnl } from '@earshot/tf-runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { getAllWeights, readCheckpoint, train, type BatchLog, type TrainOptions } from '../src/index.js';
import { maxDiff } from './compare.js';
import { syntheticSpectrograms } from './synthetic.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const data = syntheticSpectrograms(24, 12, 12, 3, 8);

async function losses(spec: ModelSpec, extra: Partial<TrainOptions>) {
  const model = buildModel(spec, { inputShape: [12, 12], nClasses: 3, seed: 4 });
  const batches: BatchLog[] = [];
  const result = await train({ model, train: data, epochs: 2, batchSize: 7, lr: 1e-3, seed: 4, classWeights: 'auto', onBatchEnd: (b) => batches.push(b), ...extra });
  return { batches, result, weights: getAllWeights(model) };
}

describe('data-parallel training', () => {
  it('matches single-worker losses to 1e-5 (uneven shards, partial last batch, class weights)', async () => {
    const single = await losses({ name: 'seed-cnn' }, {});
    const parallel = await losses({ name: 'seed-cnn' }, { parallel: { workers: 2, backend: 'cpu' } });
    expect(parallel.batches).toHaveLength(8); // 24 examples, batch 7: 7 + 7 + 7 + 3, two epochs
    parallel.batches.forEach((b, i) => {
      expect(Math.abs(b.loss - single.batches[i]!.loss)).toBeLessThan(1e-5);
      expect(b.accuracy).toBe(single.batches[i]!.accuracy);
    });
    expect(maxDiff(parallel.weights, single.weights)).toBeLessThan(1e-5);
  });

  it('decays weights on workers as in one (AdamW): the same weights to 1e-5, and not plain Adam\'s', async () => {
    const adam = { weightDecay: 0.5 };
    const single = await losses({ name: 'seed-cnn' }, { adam, lr: 1e-2 });
    const parallel = await losses({ name: 'seed-cnn' }, { adam, lr: 1e-2, parallel: { workers: 2, backend: 'cpu' } });
    const plain = await losses({ name: 'seed-cnn' }, { lr: 1e-2, parallel: { workers: 2, backend: 'cpu' } });
    expect(maxDiff(parallel.weights, single.weights)).toBeLessThan(1e-5);
    expect(maxDiff(parallel.weights, plain.weights)).toBeGreaterThan(1e-4);
  });

  it.skipIf(loadDnnl().dnnl === null)('on the native (oneDNN) backend, workers give the cpu losses to 1e-4', async () => {
    const single = await losses({ name: 'seed-cnn' }, { epochs: 1 });
    const native = await losses({ name: 'seed-cnn' }, { epochs: 1, parallel: { workers: 2, backend: 'native' } });
    native.batches.forEach((b, i) => expect(Math.abs(b.loss - single.batches[i]!.loss)).toBeLessThan(1e-4));
  });

  it('writes the workers\' Adam moments into checkpoints, equal to single-worker ones, and resumes from them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-parallel-'));
    try {
      const single = await losses({ name: 'seed-cnn' }, { epochs: 1, checkpointDir: join(dir, 'single') });
      const parallel = await losses({ name: 'seed-cnn' }, { epochs: 1, checkpointDir: join(dir, 'parallel'), parallel: { workers: 2, backend: 'cpu' } });
      const a = (await readCheckpoint(join(dir, 'single')))!;
      const b = (await readCheckpoint(join(dir, 'parallel')))!;
      expect(b.adamStep).toBe(4);
      expect(b.adamStep).toBe(a.adamStep);
      expect(maxDiff(b.adamM, a.adamM)).toBeLessThan(1e-6);
      expect(maxDiff(b.adamV, a.adamV)).toBeLessThan(1e-8);
      expect(b.adamV.some((m) => m.some((value) => value > 0))).toBe(true);
      // The second epoch, resumed on workers, continues as an uninterrupted single-worker run.
      const full = await losses({ name: 'seed-cnn' }, {});
      const resumed = await losses({ name: 'seed-cnn' }, { checkpointDir: join(dir, 'parallel'), resume: true, parallel: { workers: 2, backend: 'cpu' } });
      expect(resumed.result.resumedFromEpoch).toBe(1);
      resumed.batches.forEach((r, i) => expect(Math.abs(r.loss - full.batches[4 + i]!.loss)).toBeLessThan(1e-5));
      expect(parallel.batches).toHaveLength(single.batches.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs workers on the repaired wasm backend with the same losses as cpu (to 1e-4)', async () => {
    const cpu = await losses({ name: 'seed-cnn' }, { epochs: 1 });
    const wasm = await losses({ name: 'seed-cnn' }, { epochs: 1, parallel: { workers: 1, backend: 'wasm' } });
    expect(wasm.batches).toHaveLength(4);
    wasm.batches.forEach((b, i) => expect(Math.abs(b.loss - cpu.batches[i]!.loss) / cpu.batches[i]!.loss).toBeLessThan(1e-4));
  });

  it('trains a batch-norm + dropout model with averaged moving statistics', async () => {
    const spec: ModelSpec = { name: 'cnn', channels: [4, 8], convsPerBlock: 1 };
    const { result, weights } = await losses(spec, { parallel: { workers: 2 }, epochs: 1 });
    expect(result.history).toHaveLength(1);
    expect(Number.isFinite(result.history[0]!.loss)).toBe(true);
    const model = buildModel(spec, { inputShape: [12, 12], nClasses: 3, seed: 4 });
    const movingMeanIndex = model.weights.findIndex((w) => w.originalName.includes('moving_mean'));
    expect(weights[movingMeanIndex]!.some((v) => v !== 0)).toBe(true); // updated from the workers' shards
  });
});
