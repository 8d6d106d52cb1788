import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperiment, trainSettings } from '../src/config/index.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// train.label_smoothing and train.weight_decay: mapped to the trainer, and changing what a run trains.
const demo = (name: string, train: Record<string, unknown> = {}) => ({
  name,
  recipe: 'seed',
  seed: 3,
  dataset: { preset: 'demo', demo: { seed: 0, per_class: 8, seconds: 1 } },
  audio: { sr: 22050, duration: 1.0 },
  features: { n_fft: 1024, hop_length: 512, n_mels: 32 },
  model: { name: 'cnn', channels: [8], convs_per_block: 1 },
  train: { epochs: 1, batch_size: 8, ...train },
  runtime: { backend: 'wasm', train_workers: 1 },
  cache: { dir: 'cache' },
  output: { dir: 'runs' },
});

describe('train.label_smoothing', () => {
  it('defaults to off and maps to the trainer', () => {
    expect(trainSettings(parseExperiment(demo('plain'))).labelSmoothing).toBe(0);
    expect(trainSettings(parseExperiment(demo('smooth', { label_smoothing: 0.1 }))).labelSmoothing).toBe(0.1);
  });
});

describe('train.weight_decay', () => {
  it('defaults to plain Adam, maps to the trainer, and names the key when out of range', () => {
    expect(trainSettings(parseExperiment(demo('plain'))).weightDecay).toBe(0);
    expect(trainSettings(parseExperiment(demo('decay', { weight_decay: 0.05 }))).weightDecay).toBe(0.05);
    expect(() => parseExperiment(demo('decay', { weight_decay: -0.1 }))).toThrow(/train\.weight_decay/);
  });
});

describe.skipIf(!existsSync(cli))('label smoothing and weight decay end to end', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'earshot-smooth-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  /** Trains the demo as `name` and returns its run folder. */
  const trainDemo = async (name: string, train: Record<string, unknown>): Promise<string> => {
    const file = `${name}.yaml`;
    await writeFile(join(work, file), JSON.stringify(demo(name, train)));
    const run = spawnSync(process.execPath, [cli, file, '--quiet'], { cwd: work, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    return resolve(work, run.stdout.trimEnd().split('\n').at(-1)!);
  };

  const firstEpochLoss = async (labelSmoothing?: number): Promise<number> => {
    const runDir = await trainDemo(`smooth-${labelSmoothing ?? 'off'}`, labelSmoothing === undefined ? {} : { label_smoothing: labelSmoothing });
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    return metrics.epochs[0].loss as number;
  };

  /** Sum of squares of the saved model's trained weights (weights.bin in model.json's order; batch norm's moving statistics left out). */
  const weightNorm = async (weightDecay: number): Promise<number> => {
    const model = join(await trainDemo(`decay-${weightDecay}`, { epochs: 5, lr: 0.01, weight_decay: weightDecay }), 'model');
    const manifest = JSON.parse(await readFile(join(model, 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
    const bytes = await readFile(join(model, 'weights.bin'));
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    let at = 0;
    let sum = 0;
    for (const { name, shape } of manifest.weightsManifest.flatMap((group) => group.weights)) {
      const size = shape.reduce((n, d) => n * d, 1);
      if (!name.includes('moving_')) for (let i = at; i < at + size; i++) sum += values[i]! ** 2;
      at += size;
    }
    expect(at).toBe(values.length);
    return sum;
  };

  it('trains on smoothed targets: the same run, a higher loss (smoothed targets never reach zero cross-entropy)', async () => {
    const [plain, smoothed] = [await firstEpochLoss(), await firstEpochLoss(0.3)];
    // Over 3 classes, ε = 0.3 puts 0.1 on each wrong class: the loss cannot fall below that target's entropy.
    expect(smoothed).toBeGreaterThan(plain);
  });

  it('decays the weights: the same run with weight_decay ends with smaller weights', async () => {
    // 15 steps at lr 0.01 and λ 0.9 scale every weight by (1 − 0.009)^15 ≈ 0.87 on top of Adam's steps.
    const [plain, decayed] = [await weightNorm(0), await weightNorm(0.9)];
    expect(decayed).toBeLessThan(0.9 * plain);
  });
});
