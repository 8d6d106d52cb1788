import { resolve } from 'node:path';
import { scanDataset, type AudioItem, type DatasetSource } from '@earshot/dataset-io';
import type { ExperimentConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { SkippedFile } from './features.js';
import { scanReport } from './scan-report.js';

export interface ScanStageResult {
  /** Absolute dataset folder. */
  root: string;
  /** Usable files, sorted by path. */
  items: AudioItem[];
  /** Files that cannot be used, each with its reason. */
  skipped: SkippedFile[];
  reportText: string;
  reportJson: unknown;
}

/** Where the dataset lives: `dataset.root` resolved against the working directory, or the generated demo set. */
export async function datasetRoot(config: ExperimentConfig): Promise<string> {
  const d = config.dataset;
  if (d.preset === 'demo') {
    const { ensureDemoDataset } = await import('../demo/index.js');
    const root = resolve(d.root ?? resolve(config.cache.dir, 'datasets', 'demo'));
    return ensureDemoDataset(root, { seed: d.demo.seed, perClass: d.demo.per_class, seconds: d.demo.seconds });
  }
  return resolve(d.root!);
}

/** The dataset-io source for the config's label source or preset. */
export function datasetSource(config: ExperimentConfig, root: string): DatasetSource {
  const d = config.dataset;
  const extensions = d.extensions?.map((e) => (e.startsWith('.') ? e : `.${e}`));
  const labels = d.labels;
  if (labels?.source === 'filename') return { kind: 'filename', root, pattern: labels.pattern, ...(extensions && { extensions }) };
  if (labels?.source === 'csv') {
    return {
      kind: 'csv',
      root,
      manifest: labels.file,
      ...(labels.audio_dir !== undefined && { audioDir: labels.audio_dir }),
      columns: {
        path: labels.path_column,
        label: labels.label_column,
        ...(labels.fold_column !== undefined && { fold: labels.fold_column }),
        ...(labels.group_column !== undefined && { group: labels.group_column }),
      },
    };
  }
  if (labels?.source !== 'folder' && (d.preset === 'fsdd' || d.preset === 'esc50')) {
    return {
      kind: 'preset',
      preset: d.preset,
      root,
      ...(d.url && d.sha256 && { download: { url: d.url, sha256: d.sha256 } }),
    };
  }
  return { kind: 'folder', root, ...(extensions && { extensions }) };
}

export async function scanStage(config: ExperimentConfig, log: Logger): Promise<ScanStageResult> {
  const root = await datasetRoot(config);
  log.info(`scan: ${root}`);
  const result = await scanDataset(datasetSource(config, root));
  const items = [...result.items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const skipped = result.problems.map((p) => ({ path: p.path, reason: p.reason }));
  if (items.length === 0) throw new Error(`dataset ${root}: no usable audio files found`);
  const report = await scanReport(root, items, skipped, result.warnings);
  return { root, items, skipped, reportText: report.text, reportJson: report.json };
}
