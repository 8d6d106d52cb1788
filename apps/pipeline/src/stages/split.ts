import { isAbsolute, join } from 'node:path';
import { readSplitList, splitItems, presetSplit, type AudioItem, type SplitName, type SplitSpec } from '@earshot/dataset-io';
import { Mulberry32 } from '@earshot/random';
import type { ExperimentConfig } from '../config/index.js';
import { UsageError, errorReason } from '../errors.js';
import type { SkippedFile } from './features.js';

export interface FoldPlan {
  /** 1-based fold number for k-fold CV, null for a single split. */
  fold: number | null;
  /** Indices into the scanned items. */
  train: number[];
  validation: number[];
  test: number[];
}

export interface SplitPlan {
  labels: string[];
  /** Label index of each item. */
  labelIndex: Int32Array;
  folds: FoldPlan[];
  /** What the user should know about the split (e.g. a group split without groups). */
  warnings: string[];
}

/** The files `split.kind: lists` names, as absolute paths. */
export interface SplitLists {
  test: ReadonlySet<string>;
  validation?: ReadonlySet<string>;
}

/** Reads `split.test_list` / `split.validation_list` (relative to the dataset root) when the split uses lists. */
export async function loadSplitLists(config: ExperimentConfig, root: string): Promise<SplitLists | undefined> {
  const s = config.split;
  if (s.kind !== 'lists') return undefined;
  const read = async (key: 'test_list' | 'validation_list', file: string) => {
    try {
      return await readSplitList(isAbsolute(file) ? file : join(root, file), root);
    } catch (err) {
      throw new UsageError(`split.${key}: ${errorReason(err)} (${file})`);
    }
  };
  return {
    test: await read('test_list', s.test_list),
    ...(s.validation_list !== undefined && { validation: await read('validation_list', s.validation_list) }),
  };
}

/** The dataset-io split spec for the config (`official` = the preset's own split). */
export function splitSpec(config: ExperimentConfig, lists?: SplitLists, items: readonly AudioItem[] = []): SplitSpec {
  const s = config.split;
  switch (s.kind) {
    case 'official': {
      const preset = config.dataset.preset;
      if (preset === undefined || preset === 'demo') {
        throw new UsageError(`split.kind: official needs dataset.preset fsdd, esc50 or urbansound8k (got ${preset ?? 'none'})`);
      }
      return presetSplit(preset, s.validation);
    }
    case 'lists':
      if (!lists) throw new Error('split.kind lists: the lists were not loaded (loadSplitLists)');
      return { kind: 'lists', testPaths: lists.test, ...(lists.validation && { validationPaths: lists.validation }), validation: s.validation };
    case 'rule':
      return { kind: 'rule', test: s.test, validation: s.validation } as SplitSpec;
    case 'folds':
      return { kind: 'folds', validation: s.validation };
    case 'auto':
      // Keep speakers or recordings on one side when every file names its group.
      return { kind: items.length > 0 && items.every((i) => i.group !== undefined) ? 'group' : 'stratified', test: s.test, validation: s.validation };
    default:
      return { kind: s.kind, test: s.test, validation: s.validation };
  }
}

/** Seeded stratified fold numbers 1..k, for `split.kind: folds` on data without a fold column. */
export function assignFolds(items: readonly AudioItem[], k: number, seed: number): AudioItem[] {
  const rng = new Mulberry32(seed ^ 0x5f0d);
  const byLabel = new Map<string, number[]>();
  items.forEach((item, i) => byLabel.set(item.label, [...(byLabel.get(item.label) ?? []), i]));
  const fold = new Array<number>(items.length);
  let offset = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const members = rng.shuffle(byLabel.get(label)!);
    members.forEach((m, r) => (fold[m] = ((r + offset) % k) + 1));
    offset += members.length;
  }
  return items.map((item, i) => ({ ...item, fold: fold[i]! }));
}

export function planSplits(items: readonly AudioItem[], config: ExperimentConfig, lists?: SplitLists): SplitPlan {
  const labels = [...new Set(items.map((i) => i.label))].sort();
  if (labels.length < 2) throw new Error(`dataset: need at least 2 classes, found ${labels.length} (${labels.join(', ')})`);
  const labelOf = new Map(labels.map((l, i) => [l, i]));
  const labelIndex = Int32Array.from(items, (i) => labelOf.get(i.label)!);

  let input = items;
  const s = config.split;
  if (s.kind === 'folds' && (s.k !== undefined || items.some((i) => i.fold === undefined))) {
    input = assignFolds(items, s.k ?? 5, config.seed);
  }
  const indexOf = new Map(input.map((item, i) => [item.path, i]));
  const result = splitItems(input, splitSpec(config, lists, items), config.seed);
  const toIdx = (list: readonly AudioItem[]) => list.map((item) => indexOf.get(item.path)!).sort((a, b) => a - b);
  let folds: FoldPlan[] = result.splits.map((split, k) => ({
    fold: result.splits.length > 1 ? Number(/\d+$/.exec(split.name)?.[0] ?? k + 1) : null,
    train: toIdx(split.train),
    validation: toIdx(split.validation),
    test: toIdx(split.test),
  }));
  if (s.kind === 'folds' && s.only) {
    const only = new Set(s.only);
    folds = folds.filter((f) => f.fold !== null && only.has(f.fold));
    if (folds.length === 0) throw new Error(`split.only: no such fold (${s.only.join(', ')})`);
  }
  return { labels, labelIndex, folds, warnings: splitWarnings(items, config, lists) };
}

/** A split that silently degrades deserves a warning: a group split over files without groups is a per-file split. */
function splitWarnings(items: readonly AudioItem[], config: ExperimentConfig, lists?: SplitLists): string[] {
  const warnings: string[] = [];
  if (config.split.kind === 'group' && !items.some((i) => i.group !== undefined)) {
    warnings.push(
      'split.kind group: no file has a group, so every file is its own group and this is a per-file random split; ' +
        'give groups with dataset.labels.pattern (a (?<group>…) in the file name) or a CSV group_column',
    );
  }
  if (lists) {
    const paths = new Set(items.map((i) => i.path));
    for (const [key, listed] of [['test_list', lists.test], ['validation_list', lists.validation]] as const) {
      const absent = listed ? [...listed].filter((p) => !paths.has(p)).length : 0;
      if (absent > 0) warnings.push(`split.${key}: ${absent} listed file(s) are not among the usable files (missing, or skipped by the scan)`);
    }
  }
  return warnings;
}

function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * `split-manifest.csv`: path,label,split[,fold],reason; with k-fold CV, one row per file with its
 * test fold. Files the scan rejected or whose features failed are listed as `skipped` with the reason,
 * so the manifest accounts for every file the dataset named.
 */
export function manifestCsv(
  items: readonly AudioItem[],
  plan: SplitPlan,
  skipped: readonly SkippedFile[] = [],
  labelOf: (path: string) => string = () => '',
): string {
  const cv = plan.folds.length > 1;
  const rows: string[] = [cv ? 'path,label,split,fold,reason' : 'path,label,split,reason'];
  const role = new Map<number, { split: string; fold?: number }>();
  if (cv) {
    for (const f of plan.folds) for (const i of f.test) role.set(i, { split: 'test', fold: f.fold! });
  } else {
    const f = plan.folds[0]!;
    for (const name of ['train', 'validation', 'test'] as const) for (const i of f[name]) role.set(i, { split: name });
  }
  const reasons = new Map(skipped.map((s) => [s.path, s.reason]));
  const row = (path: string, label: string, split: string, fold: number | string, reason: string) =>
    rows.push([path, label, split, ...(cv ? [fold] : []), reason].map(csvField).join(','));
  const listed = new Set<string>();
  items.forEach((item, i) => {
    const r = role.get(i);
    const reason = reasons.get(item.path);
    listed.add(item.path);
    row(item.path, item.label, reason !== undefined ? 'skipped' : (r?.split ?? 'unused'), reason !== undefined ? '' : (r?.fold ?? ''), reason ?? '');
  });
  for (const s of [...skipped].sort((a, b) => a.path.localeCompare(b.path))) {
    if (!listed.has(s.path)) row(s.path, labelOf(s.path), 'skipped', '', s.reason);
  }
  return `${rows.join('\n')}\n`;
}

/** file → split of the first (or only) fold, for the scan report's duplicate check. */
export function firstFoldManifest(items: readonly AudioItem[], plan: SplitPlan): Record<string, SplitName> {
  const out: Record<string, SplitName> = {};
  const f = plan.folds[0]!;
  for (const name of ['train', 'validation', 'test'] as const) for (const i of f[name]) out[items[i]!.path] = name;
  return out;
}
