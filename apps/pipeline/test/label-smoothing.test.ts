import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperiment, trainSettings } from '../src/config/index.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const demo = (labelSmoothing?: number) => ({
  name: `smooth-${labelSmoothing ?? 'off'}`,
  recipe: 'seed',
  seed: 3,
  dataset: { preset: 'demo', demo: { seed: 0, per_class: 8, seconds: 1 } },
  audio: { sr: 22050, duration: 1.0 },
  features: { n_fft: 1024, hop_length: 512, n_mels: 32 },
  model: { name: 'cnn', channels: [8], convs_per_block: 1 },
  train: { epochs: 1, batch_size: 8, ...(labelSmoothing !== undefined && { label_smoothing: labelSmoothing }) },
  runtime: { backend: 'wasm', train_workers: 1 },
  cache: { dir: 'cache' },
  output: { dir: 'runs' },
});

describe('train.label_smoothing', () => {
  it('defaults to off and maps to the trainer', () => {
    expect(trainSettings(parseExperiment(demo())).labelSmoothing).toBe(0);
    expect(trainSettings(parseExperiment(demo(0.1))).labelSmoothing).toBe(0.1);
  });
});

describe.skipIf(!existsSync(cli))('train.label_smoothing end to end', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'earshot-smooth-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  const firstEpochLoss = async (labelSmoothing?: number): Promise<number> => {
    const file = join(work, `smooth-${labelSmoothing ?? 'off'}.yaml`);
    await writeFile(file, JSON.stringify(demo(labelSmoothing)));
    const run = spawnSync(process.execPath, [cli, file, '--quiet'], { cwd: work, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const metrics = JSON.parse(await readFile(join(resolve(work, run.stdout.trimEnd().split('\n').at(-1)!), 'metrics.json'), 'utf8'));
    return metrics.epochs[0].loss as number;
  };

  it('trains on smoothed targets: the same run, a higher loss (smoothed targets never reach zero cross-entropy)', async () => {
    const [plain, smoothed] = [await firstEpochLoss(), await firstEpochLoss(0.3)];
    // Over 3 classes, ε = 0.3 puts 0.1 on each wrong class: the loss cannot fall below that target's entropy.
    expect(smoothed).toBeGreaterThan(plain);
  });
});
