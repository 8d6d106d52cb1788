import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClip } from '@earshot/demo-sounds';
import { melSpectrogramDb, normalizeInto, type Normalization } from '@earshot/features-mel';
import { Xoshiro128 } from '@earshot/random';
import { augmentBatch } from '@earshot/trainer';
import { parseExperiment, randomCropFrames, randomCropTopDb, trainSettings } from '../src/config/index.js';
import { globalStandardization, trainerAugment } from '../src/stages/train.js';
import { problemsOf } from './helpers.js';

// Through the built CLI: `pnpm test` builds first.
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The demo (2 s clips, 1.6–2.4 s before fixing) at 22 050 Hz, hop 512: 2.4 s clips are 104 frames. */
const demo = (extra: Record<string, unknown> = {}) => ({
  recipe: 'seed',
  dataset: { preset: 'demo', demo: { seed: 0, per_class: 8, seconds: 2 } },
  audio: { sr: 22050, duration: 2.4 },
  features: { n_fft: 1024, hop_length: 512, n_mels: 32 },
  model: { name: 'cnn', channels: [8, 16], convs_per_block: 1, head: 'gap+gmp' },
  train: { epochs: 2, batch_size: 8, augment: { random_crop: 1.0, spec_augment: { time_masks: 1, time_mask_width: 8, freq_masks: 1, freq_mask_width: 4 } } },
  ...extra,
});

describe('train.augment.random_crop (config)', () => {
  it('converts seconds to the nearest frame of the hop', () => {
    const config = parseExperiment(demo());
    expect(randomCropFrames(config)).toBe(43); // 1.0 s × 22 050 / 512 = 43.07
    expect(trainSettings(config).augment?.randomCropFrames).toBe(43);
    expect(randomCropFrames(parseExperiment(demo({ train: { augment: { time_shift: 0.1 } } })))).toBeNull();
  });

  it('refuses seed-cnn (a flatten + dense head), naming the key', () => {
    expect(problemsOf(() => parseExperiment(demo({ model: { name: 'seed-cnn' } })))).toEqual([
      expect.stringMatching(/^train\.augment\.random_crop: needs model\.name cnn .*seed-cnn's flatten \+ dense head/),
    ]);
  });

  it('refuses a crop as long as the clip, or below a frame', () => {
    expect(problemsOf(() => parseExperiment(demo({ train: { augment: { random_crop: 2.4 } } })))).toEqual([
      expect.stringMatching(/^train\.augment\.random_crop: 2\.4 s \(103 frames\) must be shorter than a clip \(2\.4 s, 104 frames, audio\.duration\)/),
    ]);
    expect(problemsOf(() => parseExperiment(demo({ train: { augment: { random_crop: 0.01 } } })))).toEqual([
      expect.stringMatching(/^train\.augment\.random_crop: 0\.01 s is less than one frame/),
    ]);
  });

  it('compares time_mask_width with the crop, and the model depth with the crop', () => {
    const masks = { random_crop: 0.5, spec_augment: { time_mask_width: 30 } };
    expect(problemsOf(() => parseExperiment(demo({ train: { augment: masks } })))).toEqual([
      'train.augment.spec_augment.time_mask_width: 30 is above the 22 frames of the train.augment.random_crop window',
    ]);
    const deep = { name: 'cnn', channels: [4, 4, 4, 4, 4], head: 'gap+gmp' };
    expect(problemsOf(() => parseExperiment(demo({ model: deep, train: { augment: { random_crop: 0.5 } } })))).toEqual([
      expect.stringMatching(/^model\.channels: block5_pool pools time .*frames from train\.augment\.random_crop\)/),
    ]);
  });
});

describe('train.augment.random_crop_top_db (crops that keep the sound)', () => {
  const withAugment = (augment: Record<string, unknown>, features: Record<string, unknown> = {}) =>
    parseExperiment(demo({ train: { augment }, features: { n_fft: 1024, hop_length: 512, n_mels: 32, ...features } }));

  it('is 20 dB by default, and applies only to crops of dB mel features', () => {
    expect(randomCropTopDb(withAugment({ random_crop: 1.0 }))).toBe(20);
    expect(trainSettings(withAugment({ random_crop: 1.0, random_crop_top_db: 30 })).augment?.randomCropTopDb).toBe(30);
    expect(randomCropTopDb(withAugment({ random_crop: 1.0, random_crop_top_db: null }))).toBeNull();
    expect(randomCropTopDb(withAugment({ time_shift: 0.1 }))).toBeNull();
    expect(randomCropTopDb(withAugment({ random_crop: 1.0 }, { n_mfcc: 13 }))).toBeNull();
    expect(randomCropTopDb(withAugment({ random_crop: 1.0 }, { db: { kind: 'none' } }))).toBeNull();
  });

  it('gives the trainer the threshold in the units of the standardised features', () => {
    const settings = trainSettings(withAugment({ random_crop: 1.0 })).augment!;
    const standardized: Normalization = { kind: 'standardize', scope: 'global', mean: [-55], std: [16] };
    expect(trainerAugment(settings, [32, 104], standardized).crop).toEqual({ frames: 43, trim: { below: 20 / 16 } });
    expect(trainerAugment(settings, [32, 104], { kind: 'none' }).crop).toEqual({ frames: 43, trim: { below: 20 } });
    const uniform = trainSettings(withAugment({ random_crop: 1.0, random_crop_top_db: null })).augment!;
    expect(trainerAugment(uniform, [32, 104], standardized).crop).toEqual({ frames: 43 });
  });

  it('on real log-mel features: a short call padded with digital silence stays whole in every window', () => {
    // An ESC-50-like clip: 0.8 s of digital silence, a 0.4–0.6 s bird call, silence to 2.4 s; and a steady 2.4 s rain.
    const sr = 22050;
    const call = generateClip({ label: 'bird', index: 3, seed: 5, seconds: 0.5 });
    const padded = new Float32Array(Math.round(2.4 * sr));
    padded.set(call, Math.round(0.8 * sr));
    const rain = generateClip({ label: 'rain', index: 1, seed: 5, seconds: 3 }).subarray(0, padded.length);
    const mel = (y: Float32Array) => melSpectrogramDb(y, { sr, nFft: 1024, hopLength: 512, nMels: 32, db: { ref: 'max', topDb: 80 } });
    const clips = [mel(padded), mel(rain)];
    const { rows, cols } = clips[0]!;
    const data = new Float32Array(2 * rows * cols);
    clips.forEach((m, i) => data.set(m.data, i * rows * cols));
    const normalization = globalStandardization([data]);
    normalizeInto(data, normalization, [rows, cols]);

    // Frame loudness in dB (mean over bands) and the frames within 20 dB of the loudest: the call.
    const loudness = (m: Float32Array, frames: number, c: number) => m.reduce((acc, v, k) => (k % frames === c ? acc + v : acc), 0) / rows;
    const callDb = Array.from({ length: cols }, (_, c) => loudness(clips[0]!.data, cols, c));
    const top = Math.max(...callDb);
    const callFrames = callDb.flatMap((v, c) => (v >= top - 20 ? [c] : []));
    expect(callFrames[0]).toBeGreaterThan(30); // after 0.8 s of silence (34 frames)…
    expect(callFrames.at(-1)! - callFrames[0]!).toBeLessThan(43); // …and shorter than the 1 s window

    const windows = (topDb: number | null) => {
      const settings = trainSettings(withAugment({ random_crop: 1.0, random_crop_top_db: topDb })).augment!;
      const options = trainerAugment(settings, [rows, cols], normalization);
      const n = 200;
      const batch = new Float32Array(n * rows * cols);
      for (let i = 0; i < n; i++) batch.set(data.subarray((i % 2) * rows * cols, (i % 2 + 1) * rows * cols), i * rows * cols);
      const { data: out } = augmentBatch(batch, Array.from({ length: n }, (_, i) => i % 2), { rows, cols, nClasses: 2 }, options, new Xoshiro128(11));
      const frames = options.crop!.frames;
      const sourceOf = (clip: number) => data.subarray(clip * rows * cols, (clip + 1) * rows * cols);
      const windowOf = (i: number) => out.subarray(i * rows * frames, (i + 1) * rows * frames);
      return {
        // How many of the call's frames each window of the padded clip holds.
        kept: Array.from({ length: n / 2 }, (_, k) => keptFrames(sourceOf(0), windowOf(2 * k), rows, cols, frames, callFrames)),
        // Where each window of the rain starts (its frames are all distinct).
        rainStarts: Array.from({ length: n / 2 }, (_, k) => findStart(sourceOf(1), windowOf(2 * k + 1), rows, cols, frames)),
      };
    };
    const trimmed = windows(20);
    expect(new Set(trimmed.kept)).toEqual(new Set([callFrames.length]));
    expect(Math.min(...windows(null).kept)).toBeLessThan(callFrames.length / 2); // uniform windows lose most of it
    // Rain sounds throughout: its windows still start anywhere in the clip.
    expect(trimmed.rainStarts).not.toContain(-1);
    expect(Math.min(...trimmed.rainStarts)).toBeLessThan(8);
    expect(Math.max(...trimmed.rainStarts)).toBeGreaterThan(cols - 43 - 8);
  });
});

/** The start of `window` (rows × frames) in `source` (rows × cols), or -1. */
function findStart(source: Float32Array, window: Float32Array, rows: number, cols: number, frames: number): number {
  for (let s = 0; s + frames <= cols; s++) {
    let same = true;
    for (let r = 0; r < rows && same; r++) same = source[r * cols + s] === window[r * frames] && source[r * cols + s + frames - 1] === window[r * frames + frames - 1];
    if (same) return s;
  }
  return -1;
}

/** How many of the source's `frames` (column indices) appear, whole, among the window's columns. */
function keptFrames(source: Float32Array, window: Float32Array, rows: number, cols: number, frames: number, wanted: number[]): number {
  const column = (m: Float32Array, width: number, c: number) => Array.from({ length: rows }, (_, r) => m[r * width + c]!).join(',');
  const present = new Set(Array.from({ length: frames }, (_, c) => column(window, frames, c)));
  return wanted.filter((c) => present.has(column(source, cols, c))).length;
}

describe.skipIf(!existsSync(cli))('random crops end to end (demo, cnn gap+gmp)', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'earshot-crop-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const cliRun = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

  it('trains on crops, and predict --json on the whole clips agrees with the run\'s test evaluation', async () => {
    const config = demo({
      name: 'crop',
      seed: 1,
      split: { kind: 'stratified', test: 0.25 },
      runtime: { backend: 'wasm', workers: 1, train_workers: 1 },
      cache: { dir: 'cache' },
      output: { dir: 'runs' },
      report: { max_misclassified: 50 },
    });
    await writeFile(join(work, 'crop.yaml'), JSON.stringify(config)); // JSON is YAML
    const trained = cliRun(['crop.yaml']);
    expect(trained.status, trained.stderr).toBe(0);
    expect(trained.stdout).toContain('(32 × 104)');
    const runDir = resolve(work, trained.stdout.trimEnd().split('\n').at(-1)!);

    // preprocess.json keeps the whole clip as the input: predict never sees a crop.
    const preprocess = JSON.parse(await readFile(join(runDir, 'model', 'preprocess.json'), 'utf8'));
    expect(preprocess.inputShape).toEqual([32, 104]);

    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    const manifest = (await readFile(join(runDir, 'split-manifest.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    const test = manifest.filter((r) => r[2] === 'test').map(([path, label]) => ({ path: path!, label: label! }));
    expect(test).toHaveLength(6);
    const predicted = cliRun(['predict', runDir, ...test.map((t) => t.path), '--json']);
    expect(predicted.status, predicted.stderr).toBe(0);
    const out = JSON.parse(predicted.stdout) as { predictions: { path: string; top: { label: string; p: number }[]; windows: unknown[] }[] };
    // Every demo clip fits the 2.4 s window: one window per file, as the test evaluation saw it.
    const misclassified = new Map<string, { predicted: string; top: { p: number }[] }>(metrics.test.misclassified.map((m: { path: string }) => [m.path, m]));
    let correct = 0;
    for (const { path, label } of test) {
      const p = out.predictions.find((x) => x.path === path)!;
      expect(p.windows).toHaveLength(1);
      const wrong = misclassified.get(path);
      expect(p.top[0]!.label).toBe(wrong ? wrong.predicted : label);
      if (wrong) expect(p.top[0]!.p).toBeCloseTo(wrong.top[0]!.p, 4);
      if (!wrong) correct++;
    }
    expect(correct / test.length).toBeCloseTo(metrics.test.accuracy, 10);
  });
});
