import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperiment, randomCropFrames, trainSettings } from '../src/config/index.js';
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
