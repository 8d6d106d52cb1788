/** Fabricated run directories following the metrics.json contract, for report and compare tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunMetrics } from '../src/run-metrics.js';

const labels = ['bird', 'car', 'rain'];

function epochs(n: number, offset = 0) {
  return Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    loss: 1.1 * Math.exp(-i / 3) + 0.05 + offset,
    accuracy: 0.55 + 0.4 * (1 - Math.exp(-i / 2.5)),
    val_loss: 1.05 * Math.exp(-i / 3.5) + 0.12 + offset,
    val_accuracy: 0.52 + 0.38 * (1 - Math.exp(-i / 3)),
    lr: 0.001,
    seconds: 2.1,
  }));
}

function testResult(confusion: number[][]) {
  const n = confusion.length;
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((s, row, i) => s + (row[i] as number), 0);
  const perClass = labels.map((label, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((s, row) => s + row[i]!, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    return { label, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support };
  });
  const macroF1 = perClass.reduce((s, c) => s + c.f1, 0) / n;
  return {
    accuracy: correct / total,
    balanced_accuracy: perClass.reduce((s, c) => s + c.recall, 0) / n,
    macro_f1: macroF1,
    weighted_f1: perClass.reduce((s, c) => s + c.f1 * c.support, 0) / total,
    top_k: { '1': correct / total, '3': 1 },
    per_class: perClass,
    confusion_matrix: confusion,
    misclassified: [
      { path: 'rain/rain-012.wav', label: 'rain', predicted: 'bird', top: [{ label: 'bird', p: 0.61 }, { label: 'rain', p: 0.35 }, { label: 'car', p: 0.04 }] },
      { path: 'car/car-<007>&.wav', label: 'car', predicted: 'rain', top: [{ label: 'rain', p: 0.52 }, { label: 'car', p: 0.46 }, { label: 'bird', p: 0.02 }] },
    ],
  };
}

export function fixtureMetrics(opts: { folds?: boolean; accuracyShift?: boolean } = {}): RunMetrics {
  const confusion = opts.accuracyShift ? [[16, 0, 0], [0, 15, 1], [1, 0, 15]] : [[15, 0, 1], [0, 14, 2], [2, 1, 13]];
  const metrics: RunMetrics = {
    name: 'demo',
    seed: 0,
    created: '2026-11-25T03:00:00.000Z',
    labels,
    backend: { name: 'wasm', reason: 'tfjs-node failed to load: libtensorflow.so not found', train_workers: 2, train_workers_reason: 'auto: one per core on wasm' },
    environment: { node: 'v20.20.2', tfjs: '4.22.0', earshot: '0.1.0', platform: 'linux-x64', cpus: 2 },
    timings: { scan: 0.4, features: 12.3, train: opts.accuracyShift ? 48.2 : 60.1, evaluate: 1.2, report: 0.5, total: 75.0 },
    dataset: {
      root: '/tmp/demo',
      files: 241,
      skipped: [{ path: 'bird/broken.wav', reason: 'unsupported format' }],
      split: { train: 192, validation: 0, test: 48 },
    },
    features: { cached: 0, computed: 240, shape: [128, 130] },
    model: { name: 'seed-cnn', params: 1_234_567 },
    epochs: epochs(10),
    test: testResult(confusion),
  };
  if (opts.folds) {
    const foldConfusions = [
      [[5, 0, 0], [0, 5, 1], [1, 0, 4]],
      [[4, 1, 0], [0, 5, 0], [1, 0, 5]],
      [[6, 0, 0], [0, 5, 0], [0, 1, 4]],
    ];
    const folds = foldConfusions.map((c, i) => ({ fold: i + 1, epochs: epochs(8, 0.02 * i), test: testResult(c) }));
    metrics.folds = folds;
    const stats = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { mean, std: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) };
    };
    metrics.cv = {
      accuracy: stats(folds.map((f) => f.test.accuracy)),
      balanced_accuracy: stats(folds.map((f) => f.test.balanced_accuracy)),
      macro_f1: stats(folds.map((f) => f.test.macro_f1)),
    };
    metrics.epochs = folds[0]!.epochs;
  }
  return metrics;
}

export const fixtureConfig = (epochsCount = 10, lr = 0.001) => `# resolved by earshot
name: demo
seed: 0
dataset:
  preset: demo
  on_error: skip
audio:
  sr: 22050
  duration: 2.5
features:
  n_fft: 2048
  hop_length: 512
  n_mels: 128
model:
  name: seed-cnn
train:
  epochs: ${epochsCount}
  batch_size: 32
  lr: ${lr}
runtime:
  backend: auto
`;

/** Writes metrics.json (+ config.resolved.yaml unless `config` is null) into `dir`. */
export async function writeFixtureRun(dir: string, metrics: unknown, config: string | null = fixtureConfig()): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  if (config !== null) await writeFile(join(dir, 'config.resolved.yaml'), config);
  return dir;
}
