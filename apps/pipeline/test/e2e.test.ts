import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveResType } from '@earshot/dataset-io';
import { writeToneDataset } from './helpers.js';

// The end-to-end run goes through the built CLI (worker pool included): `pnpm test` builds first.
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let work: string;
let experiment: string;

function run(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const lines = result.stdout.trimEnd().split('\n');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, runDir: lines[lines.length - 1]! };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-e2e-'));
  await writeToneDataset(join(work, 'data'), 5, 0.5);
  await writeFile(join(work, 'data', 'low', 'broken.wav'), 'RIFF but not really a wav file');
  experiment = join(work, 'tiny.yaml');
  await writeFile(
    experiment,
    [
      'name: tiny',
      'seed: 3',
      'dataset: { root: data }', // relative: resolves against the working directory
      'split: { kind: stratified, test: 0.4 }',
      'audio: { sr: 22050, duration: 0.5 }',
      'features: { n_mels: 24, n_fft: 1024, hop_length: 256 }',
      'train: { epochs: 1, batch_size: 4 }',
      'runtime: { backend: wasm, workers: 2 }',
      'cache: { dir: cache }',
      'output: { dir: runs }',
      '',
    ].join('\n'),
  );
}, 30_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(!existsSync(cli))('pipeline end to end (tiny generated dataset)', () => {
  let first: ReturnType<typeof run>;

  it('runs, skips the bad file, and writes the run directory', async () => {
    first = run([experiment]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^backend: wasm \(SIMD, repaired training kernels\), 2 training workers$/m);
    expect(first.stdout).not.toMatch(/tfjs_binding|tfjs-node unavailable/); // the long reason is in metrics.json
    expect(first.stdout).toContain('features: 0 cached, 15 computed (24 × 44)');
    expect(first.stdout).toMatch(/^epoch 1\/1  train loss \d+\.\d{4}  train acc \d\.\d{4}  \(/m);
    expect(first.stdout).toMatch(/^test accuracy: \d+\.\d{2}%$/m);
    expect(first.stderr).toMatch(/broken\.wav/);
    expect(first.runDir).toMatch(/runs\/tiny-\d{8}-\d{6}(-\d+)?$/);

    const dir = resolve(work, first.runDir);
    const files = await readdir(dir);
    for (const f of ['config.resolved.yaml', 'metrics.json', 'scan-report.txt', 'scan-report.json', 'split-manifest.csv', 'model', 'checkpoints', 'report.html']) {
      expect(files).toContain(f);
    }
    expect(await readdir(join(dir, 'model'))).toEqual(expect.arrayContaining(['model.json', 'preprocess.json']));
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.labels).toEqual(['high', 'low', 'noise']);
    expect(metrics.features).toMatchObject({ cached: 0, computed: 15, shape: [24, 44], res_type: resolveResType('auto') });
    expect(first.stdout).toContain(`resampler: ${resolveResType('auto')} (auto: `);
    expect(metrics.dataset.skipped).toEqual([expect.objectContaining({ path: expect.stringMatching(/broken\.wav$/) })]);
    expect(metrics.dataset.split).toEqual({ train: 9, validation: 0, test: 6 });
    expect(metrics.epochs).toHaveLength(1);
    expect(metrics.test.confusion_matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(6);
    for (const stage of ['scan', 'features', 'train', 'evaluate', 'report', 'total']) expect(metrics.timings[stage]).toBeGreaterThanOrEqual(0);
    const manifest = (await readFile(join(dir, 'split-manifest.csv'), 'utf8')).trim().split('\n');
    expect(manifest[0]).toBe('path,label,split,reason');
    expect(manifest).toHaveLength(17); // every file, the broken one as skipped with the scan's reason
    const broken = manifest.find((l) => l.includes('broken.wav'))!.split(',');
    expect(broken.slice(2, 3)).toEqual(['skipped']);
    expect(broken[3]).toMatch(/\S/);
    const scanReport = await readFile(join(dir, 'scan-report.txt'), 'utf8');
    expect(scanReport).toMatch(/broken\.wav/);
    expect(scanReport).toMatch(/16 files, 15 usable/);
    const preprocess = JSON.parse(await readFile(join(dir, 'model', 'preprocess.json'), 'utf8'));
    expect(preprocess).toMatchObject({
      formatVersion: 2,
      labels: ['high', 'low', 'noise'],
      inputShape: [24, 44],
      recipe: { sr: 22050, clip: { duration: 0.5 }, stft: { nFft: 1024, hopLength: 256 }, mel: { nMels: 24 } },
    });
  }, 120_000);

  it('a second run with other training settings computes no feature', () => {
    const second = run([experiment, '--set', 'train.epochs=2']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('features: 15 cached, 0 computed');
    expect(second.stdout).toMatch(/^epoch 2\/2  /m);
    expect(second.runDir).not.toBe(first.runDir);
    // Same seed, same data: epoch 1 is identical whether its features were computed or cached.
    const epoch1 = (out: string) => /^epoch 1\/\d+  train loss (\S+)  train acc (\S+)/m.exec(out)!.slice(1);
    expect(epoch1(second.stdout)).toEqual(epoch1(first.stdout));
  }, 120_000);

  it('a tensor corrupted on disk is caught when read, recomputed, and the run matches the clean one', async () => {
    const file = join(work, 'cache', 'features.mdb');
    const bytes = await readFile(file);
    const at = bytes.indexOf(Buffer.from('ESFT'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 200] ^= 0x40; // a payload byte of one stored tensor
    await writeFile(file, bytes);
    const repaired = run([experiment]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/is corrupt \(removed, to be recomputed\); recomputing, then redoing training/);
    const metrics = JSON.parse(await readFile(resolve(work, repaired.runDir, 'metrics.json'), 'utf8'));
    expect(metrics.features).toMatchObject({ cached: 14, computed: 1 });
    const firstMetrics = JSON.parse(await readFile(resolve(work, first.runDir, 'metrics.json'), 'utf8'));
    expect(metrics.test.accuracy).toBe(firstMetrics.test.accuracy);
    expect(metrics.epochs).toEqual(firstMetrics.epochs.map((e: { seconds: number }) => ({ ...e, seconds: expect.any(Number) })));
  }, 120_000);

  it('predict agrees with the evaluation on the test files', async () => {
    const dir = resolve(work, first.runDir);
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
    const manifest = (await readFile(join(dir, 'split-manifest.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const testFiles = manifest.filter((r) => r[2] === 'test').map((r) => r[0]!);
    const predicted = run(['predict', dir, ...testFiles, '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const out = JSON.parse(predicted.stdout);
    const correct = out.predictions.filter((p: { path: string; top: { label: string }[] }) => testFiles.includes(p.path) && p.top[0]!.label === manifest.find((r) => r[0] === p.path)![1]).length;
    expect(correct / testFiles.length).toBeCloseTo(metrics.test.accuracy, 6);
    expect(out.predictions[0].windows.length).toBeGreaterThanOrEqual(1);
    const scores = Object.values(out.predictions[0].windows[0].scores) as number[];
    expect(scores.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); // probabilities, not logits
  }, 60_000);

  it('predict exits 1 when an input fails or a folder holds no audio, and still classifies the rest', async () => {
    const dir = resolve(work, first.runDir);
    const good = join(work, 'data', 'low', 'low-0.wav');
    const emptyFolder = await mkdtemp(join(work, 'no-audio-'));
    await writeFile(join(emptyFolder, 'notes.txt'), 'not audio');
    const broken = join(work, 'data', 'low', 'broken.wav');
    const text = run(['predict', dir, good, broken, emptyFolder]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${good}: `);
    expect(text.stderr).toContain(`${broken}: error: `);
    expect(text.stderr).toContain(`${emptyFolder}: error: no audio files in this folder`);
    expect(text.stderr).not.toMatch(/^\s+at /m);

    const json = run(['predict', dir, good, broken, emptyFolder, '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { predictions: { path: string; error?: string; top: unknown[] }[] };
    expect(out.predictions.map((p) => [p.path, p.error === undefined])).toEqual([
      [emptyFolder, false],
      [good, true],
      [broken, false],
    ]);
    expect(run(['predict', dir, good]).code).toBe(0);
  }, 60_000);

  it('on_error: fail stops before training, naming the file, exit 1', () => {
    const failed = run([experiment, '--set', 'dataset.on_error=fail']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/broken\.wav/);
    expect(failed.stdout).not.toMatch(/^epoch /m);
  }, 60_000);

  it('k-fold cross-validation reports per-fold results and mean ± std', async () => {
    const cv = run([experiment, '--set', 'split={kind: folds, k: 3}', '--set', 'name=tiny-cv']);
    expect(cv.code, cv.stderr).toBe(0);
    expect(cv.stdout).toMatch(/^fold 3: test accuracy: /m);
    expect(cv.stdout).toMatch(/^cross-validation accuracy: [\d.]+% ± [\d.]+% over 3 folds$/m);
    const metrics = JSON.parse(await readFile(resolve(work, cv.runDir, 'metrics.json'), 'utf8'));
    expect(metrics.folds.map((f: { fold: number }) => f.fold)).toEqual([1, 2, 3]);
    const accuracies = metrics.folds.map((f: { test: { accuracy: number } }) => f.test.accuracy);
    expect(metrics.cv.accuracy.mean).toBeCloseTo(accuracies.reduce((a: number, b: number) => a + b, 0) / 3, 10);
    // pooled test = every usable clip once
    expect(metrics.test.confusion_matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(15);
    const manifest = (await readFile(resolve(work, cv.runDir, 'split-manifest.csv'), 'utf8')).trim().split('\n');
    expect(manifest[0]).toBe('path,label,split,fold,reason');
  }, 120_000);

  it('--resume continues a killed run from its last checkpoint, and refuses another config', async () => {
    const args = [experiment, '--set', 'train.epochs=3', '--set', 'name=tiny-resume'];
    const child = spawn(process.execPath, [cli, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((done) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^epoch 1\/3/m.test(out)) child.kill('SIGKILL');
      });
      child.on('exit', () => done());
    });
    expect(out).not.toMatch(/epoch 3\/3/);
    const runs = await readdir(join(work, 'runs'));
    const killed = join('runs', runs.find((r) => r.startsWith('tiny-resume-'))!);

    const refused = run([...args, '--set', 'train.lr=0.01', '--resume', killed]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/config differs/);

    const resumed = run([...args, '--resume', killed]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resumed after epoch [12]/);
    expect(resumed.stdout).toMatch(/^epoch 3\/3/m);
    expect(resumed.runDir).toBe(join(work, killed));
    const metrics = JSON.parse(await readFile(join(work, killed, 'metrics.json'), 'utf8'));
    expect(metrics.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3]);
  }, 120_000);
});
