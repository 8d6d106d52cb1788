import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCsv, type AudioItem, type AudioProbe } from '@earshot/dataset-io';
import { ConfigError, type ExperimentConfig } from '../config/index.js';
import { inputProblems } from '../config/fits.js';
import type { ScanStageResult } from './scan.js';
import type { SplitPlan } from './split.js';

/**
 * Config rules that need the scanned data, checked before any feature is extracted: each names
 * the key to change and exits 2 (a config problem), never a stack trace from deep in training.
 */

const source = (config: ExperimentConfig) => `${config.name} (checked against the dataset)`;
const fail = (config: ExperimentConfig, problems: string[]) => {
  if (problems.length) throw new ConfigError(source(config), problems);
};

/** Before the split is planned: classes, folds and rule fields the split needs. */
export function checkSplitData(items: readonly AudioItem[], config: ExperimentConfig): void {
  const problems: string[] = [];
  const labels = new Set(items.map((i) => i.label));
  if (labels.size < 2) problems.push(`dataset.labels: found ${labels.size} class${labels.size === 1 ? '' : 'es'} (${[...labels].join(', ')}); a classifier needs at least 2`);
  const s = config.split;
  if (s.kind === 'folds') {
    const fromData = s.k === undefined && items.every((i) => i.fold !== undefined);
    const folds = fromData ? [...new Set(items.map((i) => i.fold!))].sort((a, b) => a - b) : Array.from({ length: s.k ?? 5 }, (_, i) => i + 1);
    if (fromData && folds.length < 2) problems.push(`split.kind: folds needs at least 2 folds; the dataset's fold column has ${folds.length}`);
    if (!fromData && folds.length > items.length) problems.push(`split.k: ${folds.length} folds for ${items.length} clips leaves folds empty`);
    const missing = (s.only ?? []).filter((f) => !folds.includes(f));
    if (missing.length) problems.push(`split.only: fold ${missing.join(', ')} does not exist (folds: ${folds.length <= 12 ? folds.join(', ') : `${folds[0]}..${folds.at(-1)}`})`);
  }
  if (s.kind === 'rule' && s.test.field !== 'label') {
    const field = s.test.field;
    const without = items.find((i) => i[field] === undefined);
    if (without) problems.push(`split.test.field: ${field} is not known for ${without.path} (the labels source gives no ${field})`);
  }
  fail(config, problems);
}

/** After the split is planned: every fold can train and test, and settings sized by the data fit it. */
export function checkPlan(config: ExperimentConfig, plan: SplitPlan): void {
  const problems: string[] = [];
  for (const fold of plan.folds) {
    const name = fold.fold === null ? 'the split' : `fold ${fold.fold}`;
    if (fold.test.length === 0) problems.push(`${'test' in config.split ? 'split.test' : 'split.kind'}: ${name} has no test clips`);
    if (fold.train.length === 0) problems.push(`split.validation: ${name} has no training clips left`);
    if (config.train.early_stopping && fold.validation.length === 0) problems.push(`split.validation: ${name} has no validation clips, which train.early_stopping needs`);
  }
  const weights = config.train.class_weights;
  if (Array.isArray(weights) && weights.length !== plan.labels.length) {
    problems.push(`train.class_weights: ${weights.length} weights for ${plan.labels.length} classes (${plan.labels.join(', ')})`);
  }
  // The default 32 is capped to a small training set; a batch asked for explicitly must fit it.
  const train = Math.min(...plan.folds.map((f) => f.train.length));
  if (config.train.batch_size !== 32 && config.train.batch_size > train) {
    problems.push(`train.batch_size: ${config.train.batch_size} is larger than the training set (${train} clips)`);
  }
  fail(config, problems);
}

/**
 * The clip length the features will have (audio.duration, its auto choice, or the clips' common
 * length), then the input-shape and memory checks of `inputProblems` for it.
 */
export function checkInputs(config: ExperimentConfig, scan: ScanStageResult, plan: SplitPlan, clipDuration: number | undefined, workers: number): void {
  const { sr, duration } = config.audio;
  let samples: number;
  if (typeof duration === 'number') samples = Math.round(duration * sr);
  else if (duration === 'auto' && clipDuration !== undefined) samples = Math.round(clipDuration * sr);
  else {
    const usable = new Set(scan.items.map((i) => i.path));
    const probes = scan.probes.filter((p): p is AudioProbe => 'durationSec' in p && usable.has(p.path));
    // Resampled lengths, as the decoder makes them: ceil(n · sr / native rate).
    const lengths = probes.map((p) => ({ path: p.path, n: Math.ceil(Math.round(p.durationSec * p.sampleRate) * (sr / p.sampleRate)) }));
    const first = lengths[0];
    const other = lengths.find((l) => Math.abs(l.n - first!.n) > 1);
    if (first && other) {
      fail(config, [
        `audio.duration: null needs clips of one length, but ${first.path} has ${first.n} samples and ${other.path} ${other.n} (at ${sr} Hz); set audio.duration to seconds or auto`,
      ]);
    }
    samples = Math.max(0, ...lengths.map((l) => l.n));
  }
  fail(config, inputProblems(config, { samples, lengthKey: 'audio.duration', nClasses: plan.labels.length, workers, clips: scan.items.length }));
}

/** `dataset.root` (unless a download will fill it) and a CSV manifest with the columns it names. */
export function checkDatasetFiles(config: ExperimentConfig, root: string): void {
  const d = config.dataset;
  if (d.url !== undefined) return;
  const kind = existsSync(root) ? (statSync(root).isDirectory() ? 'folder' : 'file') : 'missing';
  if (kind !== 'folder') fail(config, [`dataset.root: ${root} ${kind === 'missing' ? 'does not exist' : 'is not a folder'}`]);
  const labels = d.labels;
  if (labels?.source !== 'csv') return;
  const manifest = resolve(root, labels.file);
  if (!existsSync(manifest) || !statSync(manifest).isFile()) fail(config, [`dataset.labels.file: ${manifest} does not exist`]);
  const header = readHeader(manifest);
  if (!header) return;
  const wanted: [string, string | undefined][] = [
    ['label_column', labels.label_column],
    ['fold_column', labels.fold_column],
    ['group_column', labels.group_column],
    ...(labels.path_template === undefined
      ? [['path_column', labels.path_column] as [string, string]]
      : [...labels.path_template.matchAll(/\{([^}]+)\}/g)].map((m): [string, string] => ['path_template', m[1]!])),
  ];
  const problems = wanted
    .filter(([, column]) => column !== undefined && !header.includes(column))
    .map(([key, column]) => `dataset.labels.${key}: ${labels.file} has no column '${column}' (columns: ${header.join(', ')})`);
  fail(config, problems);
}

/** The header row of a CSV (its first 64 kB are enough to name the columns). */
function readHeader(file: string): string[] | undefined {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    return (parseCsv(firstLine, file)[0] ?? []).map((cell) => cell.replace(/^\uFEFF/, '').trim());
  } catch {
    return undefined; // a header the scan itself will report
  } finally {
    closeSync(fd);
  }
}
