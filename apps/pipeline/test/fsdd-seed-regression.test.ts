// A refactor changes no number: the seed recipe on a slice of FSDD must reproduce, to the last bit,
// the metrics earshot produced before (test/fixtures/fsdd-seed-subset.json). Real recordings, the
// built CLI, the wasm backend with 2 data-parallel training workers (the seed run's setup).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunMetrics } from '../src/run-metrics.js';
import { FSDD_RECORDINGS, linkFsddSlice } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const expected = JSON.parse(await readFile(new URL('./fixtures/fsdd-seed-subset.json', import.meta.url), 'utf8'));

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-fsdd-regression-'));
  if (!existsSync(FSDD_RECORDINGS)) return;
  await linkFsddSlice(join(work, 'data'));
  await writeFile(
    join(work, 'seed.yaml'),
    [
      'recipe: seed',
      'name: fsdd-subset',
      'seed: 0',
      'dataset: { root: data, preset: fsdd }',
      'split: { kind: official }',
      // The fixture's metrics were computed with speex, before soxr: pin it so this stays a pure regression check.
      'audio: { sr: 22050, duration: 1.0, pad: zeros, crop: start, res_type: speex }',
      'features: { n_fft: 2048, hop_length: 512, n_mels: 128 }',
      'model: { name: seed-cnn }',
      'train: { epochs: 8, batch_size: 32, lr: 0.001 }',
      'runtime: { backend: wasm, train_workers: 2 }',
      'cache: { dir: cache }',
      'output: { dir: runs }',
      '',
    ].join('\n'),
  );
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe.skipIf(!existsSync(cli) || !existsSync(FSDD_RECORDINGS))('FSDD seed recipe, 600-file slice', () => {
  it('gives the same epochs and test metrics as before the refactor', async () => {
    const run = spawnSync(process.execPath, [cli, 'seed.yaml'], { cwd: work, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    expect(run.status, run.stderr).toBe(0);
    const runDir = run.stdout.trimEnd().split('\n').pop()!;
    const metrics = parseRunMetrics(JSON.parse(await readFile(resolve(work, runDir, 'metrics.json'), 'utf8')));
    expect(metrics.features.shape).toEqual(expected.features.shape);
    expect(metrics.dataset.split).toEqual(expected.dataset.split);
    expect(metrics.epochs.map(({ seconds: _seconds, ...epoch }) => epoch)).toEqual(expected.epochs);
    // macro_classes came later than the fixture; every class is in this test set, so macro F1 is unchanged.
    const { macro_classes: macroClasses, ...current } = metrics.test;
    expect(macroClasses).toBe(10);
    const test = { ...current, misclassified: current.misclassified.map((m) => ({ ...m, path: basename(m.path) })) };
    expect(test).toEqual(expected.test);
  }, 300_000);
});
