import { splitItems, presetSplit, type AudioItem, type SplitName, type SplitSpec } from '@earshot/dataset-io';
import { Mulberry32 } from '@earshot/random';
import type { ExperimentConfig } from '../config/index.js';

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
}

/** The dataset-io split spec for the config (`official` = the preset's own split). */
export function splitSpec(config: ExperimentConfig): SplitSpec {
  const s = config.split;
  switch (s.kind) {
    case 'official': {
      const preset = config.dataset.preset;
      if (preset !== 'fsdd' && preset !== 'esc50') {
        throw new Error(`split.kind official needs dataset.preset fsdd or esc50 (got ${preset ?? 'none'})`);
      }
      return presetSplit(preset, s.validation);
    }
    case 'rule':
      return { kind: 'rule', test: s.test, validation: s.validation } as SplitSpec;
    case 'folds':
      return { kind: 'folds', validation: s.validation };
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

export function planSplits(items: readonly AudioItem[], config: ExperimentConfig): SplitPlan {
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
  const result = splitItems(input, splitSpec(config), config.seed);
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
  return { labels, labelIndex, folds };
}

function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `split-manifest.csv`: path,label,split[,fold]; with k-fold CV, one row per file with its test fold. */
export function manifestCsv(items: readonly AudioItem[], plan: SplitPlan, keys?: readonly (string | undefined)[]): string {
  const cv = plan.folds.length > 1;
  const rows: string[] = [cv ? 'path,label,split,fold' : 'path,label,split'];
  const role = new Map<number, { split: string; fold?: number }>();
  if (cv) {
    for (const f of plan.folds) for (const i of f.test) role.set(i, { split: 'test', fold: f.fold! });
  } else {
    const f = plan.folds[0]!;
    for (const name of ['train', 'validation', 'test'] as const) for (const i of f[name]) role.set(i, { split: name });
  }
  items.forEach((item, i) => {
    const r = role.get(i);
    const split = keys && keys[i] === undefined ? 'skipped' : (r?.split ?? 'unused');
    rows.push([item.path, item.label, split, ...(cv ? [r?.fold ?? ''] : [])].map(csvField).join(','));
  });
  return `${rows.join('\n')}\n`;
}

/** file → split of the first (or only) fold, for the scan report's duplicate check. */
export function firstFoldManifest(items: readonly AudioItem[], plan: SplitPlan): Record<string, SplitName> {
  const out: Record<string, SplitName> = {};
  const f = plan.folds[0]!;
  for (const name of ['train', 'validation', 'test'] as const) for (const i of f[name]) out[items[i]!.path] = name;
  return out;
}
