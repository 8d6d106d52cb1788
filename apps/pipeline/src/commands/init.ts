import { writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import type { DatasetSource } from '@earshot/dataset-io';
import YAML from 'yaml';
import { parseExperiment } from '../config/index.js';
import { UsageError } from '../errors.js';
import { inspect, type Inspection } from './inspect.js';

/** YAML scalars as JSON strings: valid YAML, and paths or regexes need no further escaping. */
const q = (text: string) => JSON.stringify(text);

/**
 * `init <folder> [--out experiment.yaml]`: a commented starter experiment from what `inspect`
 * finds (label source, folds or groups, clip duration), which runs as written.
 */
export async function initCommand(folder: string, opts: { out: string; force?: boolean }): Promise<string> {
  const inspection = await inspect(folder);
  const out = resolve(opts.out);
  const text = starterExperiment(inspection, dirname(out));
  // The file must run as written: validate it like any experiment before it is saved.
  parseExperiment(YAML.parse(text), out);
  await writeFile(out, text, { flag: opts.force ? 'w' : 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new UsageError(`init: ${opts.out} exists; pass --force to overwrite it or --out to choose another file`);
    throw err;
  });
  return `${opts.out}: ${inspection.layout.description}; run it with: earshot ${opts.out}`;
}

/** The experiment text; `dataset.root` is relative to the file's folder (as loading resolves it) when the data lies below it. */
export function starterExperiment(inspection: Inspection, outDir: string): string {
  const { source, description } = inspection.layout;
  const rel = relative(outDir, inspection.root);
  const root = rel.startsWith('..') || isAbsolute(rel) ? inspection.root : rel === '' ? '.' : rel;
  const name = basename(inspection.root).replace(/[^\w.-]+/g, '-') || 'experiment';
  const classes = Object.keys(inspection.report.classCounts).length;
  return [
    `# Written by \`earshot init\` for ${inspection.root}`,
    `# ${description}; ${inspection.report.usable} usable files in ${classes} classes.`,
    '# Every key is documented in schema/experiment.schema.json; run with `earshot <this file>`.',
    `name: ${q(name)}`,
    'seed: 0',
    'dataset:',
    `  root: ${q(root)}`,
    ...labelLines(source),
    ...splitLines(source),
    'audio:',
    '  sr: 22050',
    `  # ${inspection.duration.reason}`,
    `  duration: ${inspection.duration.seconds}`,
    '  pad: zeros',
    '  crop: start',
    'features:',
    '  n_fft: 2048',
    '  hop_length: 512',
    '  n_mels: 128',
    '  # (x − mean) / std with the training split\'s statistics: dB values around −40 otherwise slow training down.',
    '  normalize: standardize',
    'model: { name: seed-cnn }',
    'train:',
    '  epochs: 30',
    '  batch_size: 32',
    '  lr: 0.001',
    '  # Keeps the weights of the epoch with the lowest validation loss; stops after 5 epochs without improvement.',
    '  early_stopping: { monitor: val_loss, patience: 5 }',
    '  # Wall time for the whole run, e.g. 30m or 2h: the first epoch is timed and the epochs cut to fit (at most epochs).',
    '  time_budget: null',
    '',
  ].join('\n');
}

function labelLines(source: DatasetSource): string[] {
  switch (source.kind) {
    case 'folder':
      return ['  labels: { source: folder }   # one sub-folder per class'];
    case 'filename':
      return ['  labels:', '    source: filename', `    pattern: ${q(String(source.pattern))}`];
    case 'csv': {
      const { columns } = source;
      return [
        '  labels:',
        '    source: csv',
        `    file: ${q(source.manifest)}`,
        ...(source.audioDir ? [`    audio_dir: ${q(source.audioDir)}`] : []),
        `    path_column: ${q(columns.path)}`,
        `    label_column: ${q(columns.label)}`,
        ...(columns.fold ? [`    fold_column: ${q(columns.fold)}`] : []),
        ...(columns.group ? [`    group_column: ${q(columns.group)}`] : []),
      ];
    }
    case 'preset':
      return [`  preset: ${source.preset}`];
  }
}

/** The dataset's own folds when it has them; else keep groups (speakers, recordings) apart; else stratify. */
function splitLines(source: DatasetSource): string[] {
  const validation = '  validation: 0.1   # carved out of train, for early stopping';
  if (source.kind === 'csv' && source.columns.fold) {
    return ["# The manifest's folds: each fold is the test set once (k-fold cross-validation).", 'split:', '  kind: folds', validation];
  }
  const grouped = (source.kind === 'csv' && source.columns.group) || (source.kind === 'filename' && String(source.pattern).includes('(?<group>'));
  if (grouped) {
    return ['# Files of one group (speaker, recording) stay on one side of the split.', 'split:', '  kind: group', '  test: 0.2', validation];
  }
  return ['split:', '  kind: stratified   # every class in the same proportion on both sides', '  test: 0.2', validation];
}
