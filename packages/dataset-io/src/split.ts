import { hashSeed, Mulberry32 } from '@earshot/random';
import type { AudioItem, DatasetPreset } from './scan/types.js';

export type SplitName = 'train' | 'validation' | 'test';

/** A condition on an item's field; items matching it go to test. Example (FSDD): `{ field: 'index', op: '<', value: 5 }`. */
export type SplitRule =
  | { field: 'index' | 'fold'; op: '<' | '<=' | '>' | '>=' | '==' | '!='; value: number }
  | { field: 'index' | 'fold' | 'group' | 'label'; op: 'in'; value: readonly (string | number)[] };

interface WithValidation {
  /** Fraction of train carved out as validation (same strategy as the split). Default 0. */
  validation?: number;
}

export type SplitSpec =
  | ({ kind: 'random'; test?: number /* 0.2 */ } & WithValidation)
  | ({ kind: 'stratified'; test?: number } & WithValidation)
  /** No group (speaker, source recording) in two splits. Items without a group are their own group. */
  | ({ kind: 'group'; test?: number } & WithValidation)
  /** Predefined `fold` on each item: one split per fold value, that fold as test (k-fold CV). */
  | ({ kind: 'folds' } & WithValidation)
  | ({ kind: 'rule'; test: SplitRule } & WithValidation)
  /**
   * Lists naming the test (and validation) files, as Speech Commands' testing_list.txt and
   * validation_list.txt do: the rest is train. Without `validationPaths`, `validation` carves a
   * stratified fraction out of train.
   */
  | ({ kind: 'lists'; testPaths: ReadonlySet<string>; validationPaths?: ReadonlySet<string> } & WithValidation);

export interface Split {
  /** 'holdout' for a single split, 'fold-<n>' for cross-validation. */
  name: string;
  train: AudioItem[];
  validation: AudioItem[];
  test: AudioItem[];
}

export interface SplitResult {
  splits: Split[];
}

/** Splits items deterministically for `seed`. Pure: the same input gives the same result on every machine. */
export function splitItems(items: readonly AudioItem[], spec: SplitSpec, seed: number): SplitResult {
  const ordered = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const validation = spec.validation ?? 0;
  checkFraction('validation', validation);
  const carve = (name: string, trainPool: AudioItem[], test: AudioItem[], salt: number): Split => {
    if (validation === 0) return { name, train: trainPool, validation: [], test };
    const strategy = spec.kind === 'group' ? 'group' : spec.kind === 'random' ? 'random' : 'stratified';
    const [train, val] = partition(trainPool, validation, strategy, seed + salt);
    return { name, train, validation: val, test };
  };
  switch (spec.kind) {
    case 'random':
    case 'stratified':
    case 'group': {
      const testFraction = spec.test ?? 0.2;
      checkFraction('test', testFraction);
      const [train, test] = partition(ordered, testFraction, spec.kind, seed);
      return { splits: [carve('holdout', train, test, 1)] };
    }
    case 'rule': {
      const isTest = ruleMatcher(spec.test);
      return { splits: [carve('holdout', ordered.filter((i) => !isTest(i)), ordered.filter(isTest), 1)] };
    }
    case 'lists': {
      const test = ordered.filter((i) => spec.testPaths.has(i.path));
      const { validationPaths } = spec;
      if (!validationPaths) return { splits: [carve('holdout', ordered.filter((i) => !spec.testPaths.has(i.path)), test, 1)] };
      const validationItems = ordered.filter((i) => validationPaths.has(i.path) && !spec.testPaths.has(i.path));
      const train = ordered.filter((i) => !spec.testPaths.has(i.path) && !validationPaths.has(i.path));
      return { splits: [{ name: 'holdout', train, validation: validationItems, test }] };
    }
    case 'folds': {
      const missing = ordered.find((i) => i.fold === undefined);
      if (missing) throw new Error(`splitItems: folds split needs a fold on every item; ${missing.path} has none`);
      const folds = [...new Set(ordered.map((i) => i.fold!))].sort((a, b) => a - b);
      if (folds.length < 2) throw new Error(`splitItems: folds split needs at least 2 folds, found ${folds.length}`);
      return {
        splits: folds.map((fold, k) =>
          carve(`fold-${fold}`, ordered.filter((i) => i.fold !== fold), ordered.filter((i) => i.fold === fold), k + 1),
        ),
      };
    }
  }
}

/** file → split, for writing to the run directory. */
export function splitManifest(split: Split): Record<string, SplitName> {
  const out: Record<string, SplitName> = {};
  for (const name of ['train', 'validation', 'test'] as const) for (const item of split[name]) out[item.path] = name;
  return out;
}

/** The official split of a preset: FSDD index 0–4 as test; ESC-50 its 5 folds, UrbanSound8K its 10. */
export function presetSplit(preset: DatasetPreset, validation = 0): SplitSpec {
  return preset === 'fsdd' ? { kind: 'rule', test: { field: 'index', op: '<', value: 5 }, validation } : { kind: 'folds', validation };
}

function checkFraction(name: string, f: number): void {
  if (!(f >= 0 && f < 1)) throw new Error(`splitItems: ${name} fraction must be in [0, 1), got ${f}`);
}

/** Returns [kept, taken] with about `fraction` of items taken. */
function partition(items: AudioItem[], fraction: number, strategy: 'random' | 'stratified' | 'group', seed: number): [AudioItem[], AudioItem[]] {
  const rng = new Mulberry32(hashSeed(seed));
  const taken = new Set<AudioItem>();
  if (strategy === 'random') {
    const count = Math.round(items.length * fraction);
    for (const item of rng.shuffled(items).slice(0, count)) taken.add(item);
  } else if (strategy === 'stratified') {
    for (const members of groupBy(items, (i) => i.label).values()) {
      const count = Math.round(members.length * fraction);
      for (const item of rng.shuffled(members).slice(0, count)) taken.add(item);
    }
  } else {
    const groups = groupBy(items, (i) => i.group ?? `\0${i.path}`);
    const target = items.length * fraction;
    let size = 0;
    for (const key of rng.shuffled([...groups.keys()])) {
      if (size >= target) break;
      const members = groups.get(key)!;
      // Take a group only if that brings us closer to the target size.
      if (Math.abs(size + members.length - target) > Math.abs(size - target) && size > 0) continue;
      members.forEach((m) => taken.add(m));
      size += members.length;
    }
  }
  return [items.filter((i) => !taken.has(i)), items.filter((i) => taken.has(i))];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function ruleMatcher(rule: SplitRule): (item: AudioItem) => boolean {
  // An item without the field would silently land in train: refuse instead.
  const read = <K extends keyof AudioItem>(item: AudioItem, field: K): NonNullable<AudioItem[K]> => {
    const v = item[field];
    if (v === undefined) throw new Error(`splitItems: rule on '${field}' but ${item.path} has no ${field}`);
    return v as NonNullable<AudioItem[K]>;
  };
  if (rule.op === 'in') {
    const allowed = new Set(rule.value.map(String));
    return (item) => allowed.has(String(read(item, rule.field)));
  }
  const { field, op, value } = rule;
  return (item) => {
    const v = read(item, field);
    switch (op) {
      case '<': return v < value;
      case '<=': return v <= value;
      case '>': return v > value;
      case '>=': return v >= value;
      case '==': return v === value;
      case '!=': return v !== value;
    }
  };
}
