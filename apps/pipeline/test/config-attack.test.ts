import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { writeToneDataset } from './helpers.js';

/**
 * "A config that cannot hurt the machine": every bad or contradictory config, whether caught by
 * the schema, the feature recipe, the resource limits or the scan, exits 2 naming the key (or the
 * file), with no stack trace, quickly. Each case runs through the real CLI entry.
 */

let work: string;
let data: string;

/** seed recipe on 3 classes × 6 tone clips of 0.35–0.65 s at 8 kHz; 0.5 s clips are 4000 samples. */
const baseYaml = () =>
  [
    'recipe: seed',
    'name: attack',
    `dataset: { root: ${data} }`,
    'split: { kind: stratified, test: 0.34 }',
    'audio: { sr: 8000, duration: 0.5 }',
    'features: { n_fft: 256, hop_length: 128, n_mels: 32 }',
    'model: { name: seed-cnn }',
    'train: { epochs: 1, batch_size: 4 }',
    'runtime: { train_workers: 1, workers: 1 }',
    `cache: { dir: ${join(work, 'cache')} }`,
    `output: { dir: ${join(work, 'runs')} }`,
    '',
  ].join('\n');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-attack-'));
  data = join(work, 'data');
  await writeToneDataset(data, 6, 0.5, 8000);
  const rows = (await Promise.all(['low', 'high', 'noise'].map(async (l) => (await readdir(join(data, l))).map((f) => `${l}/${f},${l}`)))).flat();
  await writeFile(join(data, 'manifest.csv'), ['path,label', ...rows].join('\n'));
  await writeFile(join(work, 'exp.yaml'), baseYaml());
  await writeFile(join(work, 'a-file'), 'not a folder');
});

async function capture(args: string[]): Promise<{ code: number; stderr: string; ms: number }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const t0 = performance.now();
  try {
    const code = await main(args);
    return { code, stderr, ms: performance.now() - t0 };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

interface Case {
  /** `--set` overrides on the base experiment. */
  set?: string[];
  /** A whole experiment file instead (`{base}` is replaced by the base experiment). */
  yaml?: string;
  /** What stderr must name: the key path (or file). */
  names: string;
}

const cnn = (fields: string) => `model={name: cnn, ${fields}}`;

const cases: Record<string, Case> = {
  // Resource limits, before anything is allocated
  'n_fft 1e9': { set: ['features.n_fft=1000000000'], names: 'features.n_fft: must be at most 65,536' },
  'n_mels 5000': { set: ['features.n_mels=5000'], names: 'features.n_mels: must be at most 1,024' },
  'sr 1e9': { set: ['audio.sr=1000000000'], names: 'audio.sr: must be at most 384,000' },
  'duration 1e5 s': { set: ['audio.duration=100000'], names: 'audio.duration: must be at most 600' },
  'duration × sr over the clip limit': { set: ['audio.sr=384000', 'audio.duration=600'], names: 'audio.duration: 600 s at audio.sr 384000' },
  'kernel_size 1000': { set: [cnn('kernel_size: 1000')], names: 'model.kernel_size: must be at most 64' },
  'channels 1e6': { set: [cnn('channels: [1000000]')], names: 'model.channels.0: must be at most 4,096' },
  '100 conv blocks': { set: [cnn(`channels: [${Array(100).fill(4).join(',')}]`)], names: 'model.channels: must be at most 32' },
  'model weights beyond memory': { set: [cnn('channels: [4096, 4096, 4096, 4096], kernel_size: 64')], names: 'for weights and Adam state' },
  'activations × batch beyond memory': { set: [cnn('channels: [512, 512]'), 'features.hop_length=1', 'train.batch_size=64'], names: 'train.batch_size: a training step needs' },
  'epochs 1e9': { set: ['train.epochs=1000000000'], names: 'train.epochs: must be at most 100,000' },
  'power 1e9': { set: ['features.power=1000000000'], names: 'features.power: must be at most 4' },
  'workers 1e5': { set: ['runtime.workers=100000'], names: 'runtime.workers: must be at most 256' },
  'workers beyond the cores': { set: ['runtime.workers=200'], names: 'runtime.workers: 200 is above' },
  'train_workers beyond the cores': { set: ['runtime.train_workers=200'], names: 'runtime.train_workers: 200 is above' },
  'mixup 1000': { set: ['train.augment={mixup: 1000}'], names: 'train.augment.mixup' },
  '1000 time masks': { set: ['train.augment={spec_augment: {time_masks: 1000}}'], names: 'train.augment.spec_augment.time_masks' },
  'demo per_class 1e9': { set: ['dataset={preset: demo, demo: {per_class: 1000000000}}'], names: 'dataset.demo.per_class' },

  // The mel range and the STFT
  'fmin ≥ fmax': { set: ['features.fmin=3000', 'features.fmax=2000'], names: 'features.fmax' },
  'fmin above Nyquist': { set: ['features.fmin=5000'], names: 'features.fmax' },
  'fmax above Nyquist': { set: ['features.fmax=6000'], names: 'features.fmax: features.fmax=6000 must be at most sr/2=4000' },
  'fmin negative': { set: ['features.fmin=-5'], names: 'features.fmin' },
  'n_fft 2': { set: ['features.n_fft=2'], names: 'features.n_mels' },
  'empty mel filters': { set: ['features.n_mels=256'], names: 'features.n_mels: features.n_mels=256 with features.n_fft=256' },
  'win_length > n_fft': { set: ['features.win_length=512'], names: 'features.win_length' },
  'hop_length 0': { set: ['features.hop_length=0'], names: 'features.hop_length' },
  'hop_length beyond the clip': { set: ['features.hop_length=100000'], names: 'features.hop_length: 100000 is not shorter than a clip' },
  'n_fft longer than the clip': { set: ['features.n_fft=8192'], names: 'audio.duration: clips of 4000 samples are shorter than features.n_fft' },
  'power 0': { set: ['features.power=0'], names: 'features.power' },
  'n_mfcc > n_mels': { set: ['features.n_mfcc=64'], names: 'features.n_mfcc' },
  'n_mfcc 0': { set: ['features.n_mfcc=0'], names: 'features.n_mfcc' },
  'db amin 0': { set: ['features.db.amin=0'], names: 'features.db.amin' },
  'db ref negative': { set: ['features.db.ref=-1'], names: 'features.db.ref' },
  'top_db negative': { set: ['features.db.top_db=-80'], names: 'features.db.top_db' },
  'db kind unknown': { set: ['features.db.kind=decibel'], names: 'features.db.kind' },
  'htk a string': { set: ['features.htk=maybe'], names: 'features.htk' },
  'normalize unknown': { set: ['features.normalize=maybe'], names: 'features.normalize' },

  // Audio
  'sr 0': { set: ['audio.sr=0'], names: 'audio.sr' },
  'sr negative': { set: ['audio.sr=-8000'], names: 'audio.sr' },
  'sr fractional': { set: ['audio.sr=8000.5'], names: 'audio.sr' },
  'sr a string': { set: ['audio.sr=fast'], names: 'audio.sr' },
  'duration 0': { set: ['audio.duration=0'], names: 'audio.duration' },
  'duration negative': { set: ['audio.duration=-1'], names: 'audio.duration' },
  'duration Infinity': { set: ['audio.duration=.inf'], names: 'audio.duration' },
  'duration NaN': { set: ['audio.duration=.nan'], names: 'audio.duration' },
  'clips of different lengths without duration': { set: ['audio.duration=null'], names: 'audio.duration: null needs clips of one length' },
  'pad unknown': { set: ['audio.pad=mirror'], names: 'audio.pad' },
  'res_type unknown': { set: ['audio.res_type=best'], names: 'audio.res_type' },

  // Model
  'model unknown': { set: ['model.name=resnet'], names: 'model.name' },
  'seed-cnn with cnn keys': { set: ['model={name: seed-cnn, channels: [8]}'], names: 'model.channels: unknown key' },
  'no channels': { set: [cnn('channels: []')], names: 'model.channels' },
  'zero channels': { set: [cnn('channels: [0]')], names: 'model.channels.0' },
  'CNN too deep for the input': { set: [cnn('channels: [8, 8, 8, 8]'), 'features.hop_length=512'], names: 'model.channels: block4_pool pools time' },
  'seed-cnn too small an input': { set: ['features.hop_length=2048', 'features.n_fft=1024'], names: 'model.name: pool2 pools time' },
  'pool_size 1': { set: [cnn('pool_size: 1')], names: 'model.pool_size' },
  'block_dropout 1': { set: [cnn('block_dropout: 1')], names: 'model.block_dropout' },
  'dropout negative': { set: [cnn('dropout: -0.1')], names: 'model.dropout' },
  'dense_units negative': { set: [cnn('dense_units: -1')], names: 'model.dense_units' },

  // Training
  'epochs 0': { set: ['train.epochs=0'], names: 'train.epochs' },
  'epochs fractional': { set: ['train.epochs=2.5'], names: 'train.epochs' },
  'batch_size 0': { set: ['train.batch_size=0'], names: 'train.batch_size' },
  'batch_size above the training set': { set: ['train.batch_size=1000'], names: 'train.batch_size: 1000 is larger than the training set' },
  'lr 0': { set: ['train.lr=0'], names: 'train.lr' },
  'lr negative': { set: ['train.lr=-0.001'], names: 'train.lr' },
  'lr 100': { set: ['train.lr=100'], names: 'train.lr' },
  'lr NaN': { set: ['train.lr=.nan'], names: 'train.lr' },
  'label_smoothing 1': { set: ['train.label_smoothing=1'], names: 'train.label_smoothing' },
  'label_smoothing negative': { set: ['train.label_smoothing=-0.1'], names: 'train.label_smoothing' },
  'class_weights empty': { set: ['train.class_weights=[]'], names: 'train.class_weights' },
  'class_weights negative': { set: ['train.class_weights=[1, -1, 1]'], names: 'train.class_weights' },
  'class_weights of the wrong length': { set: ['train.class_weights=[1, 2]'], names: 'train.class_weights: 2 weights for 3 classes' },
  'early stopping without validation': { set: ['train.early_stopping={patience: 3}'], names: 'train.early_stopping: needs a validation split' },
  'early stopping patience 0': { set: ['split.validation=0.2', 'train.early_stopping={patience: 0}'], names: 'train.early_stopping.patience' },
  'step schedule beyond the epochs': { set: ['train.schedule={kind: step, step_size: 100}'], names: 'train.schedule.step_size' },
  'step gamma 5': { set: ['train.schedule={kind: step, step_size: 1, gamma: 5}'], names: 'train.schedule.gamma' },
  'cosine min_lr ≥ lr': { set: ['train.schedule={kind: cosine, min_lr: 0.01}'], names: 'train.schedule.min_lr' },
  'plateau factor 1': { set: ['train.schedule={kind: plateau, factor: 1}'], names: 'train.schedule.factor' },
  'schedule unknown': { set: ['train.schedule={kind: warmup}'], names: 'train.schedule.kind' },
  'mixup negative': { set: ['train.augment={mixup: -1}'], names: 'train.augment.mixup' },
  'time_shift 2': { set: ['train.augment={time_shift: 2}'], names: 'train.augment.time_shift' },
  'freq mask wider than the bands': { set: ['train.augment={spec_augment: {freq_mask_width: 100}}'], names: 'train.augment.spec_augment.freq_mask_width' },
  'time mask wider than the clip': { set: ['train.augment={spec_augment: {time_mask_width: 500}}'], names: 'train.augment.spec_augment.time_mask_width' },
  'in_memory a string': { set: ['train.in_memory=please'], names: 'train.in_memory' },

  // Split
  'test 0': { set: ['split.test=0'], names: 'split.test' },
  'test 1': { set: ['split.test=1'], names: 'split.test' },
  'test + validation ≥ 1': { set: ['split={kind: random, test: 0.5, validation: 0.5}'], names: 'split.validation' },
  'test too small for the data': { set: ['split.test=0.01'], names: 'split.test: the split has no test clips' },
  'folds k 1': { set: ['split={kind: folds, k: 1}'], names: 'split.k' },
  'folds only 7 of 3': { set: ['split={kind: folds, k: 3, only: [7]}'], names: 'split.only: fold 7 does not exist' },
  'folds only 7 of the default 5': { set: ['split={kind: folds, only: [7]}'], names: 'split.only: fold 7 does not exist' },
  'folds only twice': { set: ['split={kind: folds, only: [1, 1]}'], names: 'split.only' },
  'more folds than clips': { set: ['split={kind: folds, k: 500}'], names: 'split.k: 500 folds for 18 clips' },
  'official without a preset': { set: ['split={kind: official}'], names: 'split.kind' },
  'rule on a field the data lacks': { set: ["split={kind: rule, test: {field: fold, op: '<', value: 2}}"], names: 'split.test.field' },
  'lists with a missing file': { set: ['split={kind: lists, test_list: missing.txt}'], names: 'split.test_list' },
  'split kind unknown': { set: ['split.kind=bogus'], names: 'split.kind' },

  // Dataset
  'root that does not exist': { set: ['dataset.root=/nonexistent/earshot'], names: 'dataset.root: /nonexistent/earshot does not exist' },
  'root empty': { set: ['dataset.root='], names: 'dataset.root' },
  'root a file': { yaml: '{base}', set: ['dataset.root=@file'], names: 'is not a folder' },
  'preset unknown': { set: ['dataset.preset=timit'], names: 'dataset.preset' },
  'url without sha256': { set: ['dataset.url=https://example.com/x.zip'], names: 'dataset.sha256' },
  'url without a preset': { set: ['dataset.url=https://example.com/x.zip', `dataset.sha256=${'a'.repeat(64)}`], names: 'dataset.url' },
  'demo preset with filename labels': { set: ["dataset={preset: demo, labels: {source: filename, pattern: '(?<label>x)'}}"], names: 'dataset.labels.source' },
  'esc50 preset with csv labels': { set: ['dataset.preset=esc50', 'dataset.labels={source: csv, file: manifest.csv}'], names: 'dataset.labels.source: csv contradicts dataset.preset esc50' },
  'labels csv without the column': { set: ['dataset.labels={source: csv, file: manifest.csv, label_column: class}'], names: "dataset.labels.label_column: manifest.csv has no column 'class'" },
  'labels csv missing': { set: ['dataset.labels={source: csv, file: nope.csv}'], names: 'dataset.labels.file' },
  'labels pattern not a regex': { set: ["dataset.labels={source: filename, pattern: '(?<label>a'}"], names: 'dataset.labels.pattern: not a valid regular expression' },
  'labels pattern without a label group': { set: ["dataset.labels={source: filename, pattern: '^(\\w+)-'}"], names: 'dataset.labels.pattern: needs a named group (?<label>' },
  'labels source unknown': { set: ['dataset.labels={source: magic}'], names: 'dataset.labels.source' },
  'one class only': { set: ["dataset.labels={source: filename, pattern: '^(?<label>low)-'}"], names: 'dataset.labels: found 1 class' },
  'on_error unknown': { set: ['dataset.on_error=ignore'], names: 'dataset.on_error' },
  'empty extension': { set: ['dataset.extensions=[""]'], names: 'dataset.extensions.0' },

  // Top level, runtime, report
  'unknown key': { set: ['train.epoch=3'], names: 'train.epoch: unknown key' },
  'unknown section': { set: ['foo=1'], names: 'foo: unknown key' },
  'recipe unknown': { set: ['recipe=fancy'], names: 'recipe' },
  'seed negative': { set: ['seed=-1'], names: 'seed' },
  'name with a slash': { set: ['name=../escape'], names: 'name' },
  'name empty': { set: ['name='], names: 'name' },
  'cache dir empty': { set: ['cache.dir='], names: 'cache.dir' },
  'output dir empty': { set: ['output.dir='], names: 'output.dir' },
  'backend unknown': { set: ['runtime.backend=gpu'], names: 'runtime.backend' },
  'workers 0': { set: ['runtime.workers=0'], names: 'runtime.workers' },
  'train_workers 0': { set: ['runtime.train_workers=0'], names: 'runtime.train_workers' },
  'top_k 0': { set: ['report.top_k=0'], names: 'report.top_k' },
  'top_k negative': { set: ['report.top_k=-1'], names: 'report.top_k' },
  'max_misclassified negative': { set: ['report.max_misclassified=-1'], names: 'report.max_misclassified' },

  // Keys that reach prototypes, and the YAML itself
  '__proto__ via --set': { set: ['__proto__.polluted=1'], names: '--set __proto__: key not allowed' },
  'constructor via --set': { set: ['dataset.constructor=1'], names: 'dataset.constructor: key not allowed' },
  'prototype via --set': { set: ['train.prototype.x=1'], names: '--set train.prototype: key not allowed' },
  '__proto__ inside a --set value': { set: ['train={__proto__: {epochs: 3}}'], names: 'train.__proto__: key not allowed' },
  '__proto__ in the YAML': { yaml: '{base}__proto__: { polluted: true }\n', names: '__proto__: key not allowed' },
  'constructor in the YAML': { yaml: '{base}report: { constructor: 1 }\n', names: 'report.constructor: key not allowed' },
  'a list, not a mapping': { yaml: '- 1\n- 2\n', names: '(root): expected a mapping' },
  'YAML syntax error': { yaml: 'train: { epochs: 3\n', names: 'YAML' },
  'nesting bomb': { yaml: `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, names: 'YAML' },
  'deep nesting': { yaml: `{base}x: ${'{a: '.repeat(40)}1${'}'.repeat(40)}\n`, names: 'nested deeper than 32 levels' },
  '--set without =': { set: ['train.epochs'], names: '--set train.epochs: expected key.path=value' },
};

describe('bad configs exit 2 naming the key', () => {
  it('has at least 70 cases', () => {
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(70);
  });

  it.each(Object.entries(cases))('%s', async (name, c) => {
    let file = join(work, 'exp.yaml');
    if (c.yaml !== undefined) {
      file = join(work, `case-${Object.keys(cases).indexOf(name)}.yaml`);
      await writeFile(file, c.yaml.replace('{base}', baseYaml()));
    }
    const sets = (c.set ?? []).map((s) => s.replace('@file', join(work, 'a-file')));
    const { code, stderr, ms } = await capture([file, ...sets.flatMap((s) => ['--set', s]), '-q']);
    expect(stderr).toContain(c.names);
    expect(code, stderr).toBe(2);
    expect(stderr).not.toMatch(/^ {4}at /m);
    expect(ms).toBeLessThan(60_000);
  });
});

describe('the CLI process', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const spawn = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: work, timeout: 60_000 });
    return { ...r, ms: performance.now() - t0 };
  };

  it('refuses a YAML alias bomb, a file over 1 MB and a model beyond memory, exit 2, fast', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, c] of [...'bcdefghij'].entries()) bomb.push(`${c}: &${c} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`);
    await writeFile(join(work, 'bomb.yaml'), `${bomb.join('\n')}\n`);
    await writeFile(join(work, 'big.yaml'), `${baseYaml()}#${'x'.repeat(2 * 1024 * 1024)}\n`);
    for (const [args, names] of [
      [['bomb.yaml'], 'YAML: too many aliases'],
      [['big.yaml'], '(file): 2,097'],
      [['exp.yaml', '--set', cnn('channels: [4096, 4096, 4096, 4096], kernel_size: 64')], 'model: 4.8e+11 parameters need'],
      [['exp.yaml', '--set', 'features.n_fft=1000000000'], 'features.n_fft'],
    ] as const) {
      const r = spawn([...args]);
      expect(r.stderr).toContain(names);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/^ {4}at /m);
      expect(r.ms).toBeLessThan(60_000);
    }
  });

  it('--resume with a changed config names each key that differs', async () => {
    const first = spawn(['exp.yaml', '-q']);
    expect(first.status, first.stderr).toBe(0);
    const runDir = first.stdout.trim().split('\n').pop()!;
    const r = spawn(['exp.yaml', '--set', 'train.epochs=2', '--set', 'features.n_mels=40', '--resume', runDir]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('train.epochs: 1 → 2');
    expect(r.stderr).toContain('features.n_mels: 32 → 40');
    expect(r.stderr).not.toContain('seed:');
  }, 120_000);
});
