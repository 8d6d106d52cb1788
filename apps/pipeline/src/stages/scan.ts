import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hashBytes } from '@earshot/feature-cache/keys';
import {
  chooseDuration,
  detectLayout,
  buildScanReport,
  isProblem,
  probeAudio,
  renderScanReport,
  scanDataset,
  type AudioItem,
  type AudioProbe,
  type DatasetSource,
  type DurationChoice,
  type Problem,
  type ScanReport,
  type SplitName,
} from '@earshot/dataset-io';
import type { ExperimentConfig } from '../config/index.js';
import { EXIT_FAILED, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SkippedFile } from './features.js';
import { checkDatasetFiles } from './preflight.js';

export interface ScanStageResult {
  /** Absolute dataset folder. */
  root: string;
  /** Usable files, sorted by path. */
  items: AudioItem[];
  /** Files that cannot be used, each with its reason. */
  skipped: SkippedFile[];
  /** For the scan report: every scanned item, its probe, and the scan's own findings. */
  allItems: AudioItem[];
  probes: (AudioProbe | Problem)[];
  scanProblems: Problem[];
  warnings: Problem[];
  /** path → sha256 of its bytes, from the probes (the cache's hashBytes is the same sha256). */
  contentHashes(): Map<string, string>;
}

/** Where the dataset lives: `dataset.root` resolved against the working directory, or the generated demo set. */
export async function datasetRoot(config: ExperimentConfig): Promise<string> {
  const d = config.dataset;
  if (d.preset === 'demo') {
    const { ensureDemoDataset } = await import('@earshot/demo-sounds');
    const root = resolve(d.root ?? resolve(config.cache.dir, 'datasets', 'demo'));
    return ensureDemoDataset(root, { seed: d.demo.seed, perClass: d.demo.per_class, seconds: d.demo.seconds });
  }
  const root = resolve(d.root!);
  checkDatasetFiles(config, root);
  return root;
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
      ...(labels.path_template !== undefined && { pathTemplate: labels.path_template }),
      columns: {
        path: labels.path_column,
        label: labels.label_column,
        ...(labels.fold_column !== undefined && { fold: labels.fold_column }),
        ...(labels.group_column !== undefined && { group: labels.group_column }),
      },
    };
  }
  if (labels?.source !== 'folder' && d.preset !== undefined && d.preset !== 'demo') {
    return {
      kind: 'preset',
      preset: d.preset,
      root,
      ...(d.url && d.sha256 && { download: { url: d.url, sha256: d.sha256 } }),
    };
  }
  return { kind: 'folder', root, ...(extensions && { extensions }), ...(labels?.source === 'folder' && labels.pattern !== undefined && { pattern: labels.pattern }) };
}

export async function scanStage(config: ExperimentConfig, log: Logger): Promise<ScanStageResult> {
  const root = await datasetRoot(config);
  log.info(`dataset: ${root}`);
  return scanSource(root, await resolveDatasetSource(config, root, log));
}

/** `datasetSource`, with `labels: {source: auto}` (the default recipe's) detected from the folder. */
export async function resolveDatasetSource(config: ExperimentConfig, root: string, log?: Logger): Promise<DatasetSource> {
  if (config.dataset.labels?.source !== 'auto') return datasetSource(config, root);
  const guess = await detectLayout(root);
  if (!guess.source) {
    throw new UsageError(
      `dataset.labels: ${guess.description} in ${root}. Put each class in its own folder, name files {label}_…, add a CSV manifest, or set dataset.labels`,
      EXIT_FAILED,
    );
  }
  log?.info(`labels: ${guess.description}`);
  return guess.source;
}

/** Scans and probes one dataset source; throws when no file is usable. */
export async function scanSource(root: string, source: DatasetSource): Promise<ScanStageResult> {
  const result = await scanDataset(source);
  // Probe every file (header for PCM WAV, a validating decode otherwise) so bad files surface
  // before any feature is computed.
  const probes: (AudioProbe | Problem)[] = new Array(result.items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < result.items.length) {
        const i = next++;
        probes[i] = await probeAudio(result.items[i]!.path);
      }
    }),
  );
  const bad = new Set(probes.filter(isProblem).map((p) => p.path));
  const items = result.items
    .filter((item) => !bad.has(item.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const skipped = [...result.problems, ...probes.filter(isProblem)].map((p) => ({ path: p.path, reason: p.reason }));
  if (items.length === 0) {
    // Say why (a missing folder, an unreadable manifest, every file broken) without a stack trace.
    const why = skipped[0] ? `: ${skipped[0].path}: ${skipped[0].reason}${skipped.length > 1 ? ` (and ${skipped.length - 1} more)` : ''}` : '';
    throw new UsageError(`dataset ${root}: no usable audio files found${why}`, EXIT_FAILED);
  }
  const contentHashes = () => {
    const good = probes.filter((p): p is AudioProbe => !isProblem(p));
    // Use the probes' hashes only if they are the cache's content hash (checked on one file),
    // or cached keys would never match again.
    const sample = good[0];
    if (!sample || hashBytes(readFileSync(sample.path)) !== sample.contentHash) return new Map<string, string>();
    return new Map(good.map((p) => [p.path, p.contentHash]));
  };
  return { root, items, skipped, allItems: result.items, probes, scanProblems: result.problems, warnings: result.warnings, contentHashes };
}

/** The clip duration that fits these scanned clips (`audio.duration: auto`, and what `inspect` reports). */
export function chooseScanDuration(scan: ScanStageResult): DurationChoice {
  return chooseDuration(scan.probes.filter((p): p is AudioProbe => !isProblem(p)).map((p) => p.durationSec));
}

/** The scan report (counts, duration/rate/channel histograms, bad files, duplicates across splits). */
export function scanReport(scan: ScanStageResult, manifest?: Record<string, SplitName>): { text: string; json: ScanReport } {
  const report = buildScanReport({
    items: scan.allItems,
    probes: scan.probes,
    problems: scan.scanProblems,
    warnings: scan.warnings,
    ...(manifest && { manifest }),
  });
  return { text: `${renderScanReport(report).trimEnd()}\n`, json: report };
}
