import { describe, expect, it } from 'vitest';
import { presetSplit, splitItems, splitManifest, type AudioItem } from '../src/index.js';

/** 10 classes × 6 speakers × 10 takes, like FSDD. */
const items: AudioItem[] = [];
for (let d = 0; d < 10; d++)
  for (const s of ['ann', 'bob', 'cy', 'dee', 'eve', 'fay'])
    for (let i = 0; i < 10; i++) items.push({ path: `/r/${d}_${s}_${i}.wav`, label: String(d), group: s, index: i, fold: (i % 5) + 1 });

const labelCounts = (xs: AudioItem[]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x.label]: (m[x.label] ?? 0) + 1 }), {});

describe('splitItems', () => {
  it('random: 80/20 by default, deterministic for a seed, independent of input order, different across seeds', () => {
    const a = splitItems(items, { kind: 'random' }, 42).splits[0]!;
    expect(a.test).toHaveLength(120);
    expect(a.train).toHaveLength(480);
    expect(splitManifest(splitItems([...items].reverse(), { kind: 'random' }, 42).splits[0]!)).toEqual(splitManifest(a));
    expect(splitManifest(splitItems(items, { kind: 'random' }, 43).splits[0]!)).not.toEqual(splitManifest(a));
  });

  it('stratified keeps every class at the test fraction', () => {
    const s = splitItems(items, { kind: 'stratified', test: 0.25 }, 1).splits[0]!;
    expect(Object.values(labelCounts(s.test))).toEqual(Array(10).fill(15));
  });

  it('group never puts a group in two splits, including the validation carve-out', () => {
    for (const seed of [1, 2, 3]) {
      const s = splitItems(items, { kind: 'group', test: 0.34, validation: 0.25 }, seed).splits[0]!;
      const groupsOf = (xs: AudioItem[]) => new Set(xs.map((x) => x.group));
      const [tr, va, te] = [groupsOf(s.train), groupsOf(s.validation), groupsOf(s.test)];
      for (const g of te) expect(tr.has(g) || va.has(g)).toBe(false);
      for (const g of va) expect(tr.has(g)).toBe(false);
      expect(te.size).toBeGreaterThan(0);
      expect(va.size).toBeGreaterThan(0);
      expect(s.train.length + s.validation.length + s.test.length).toBe(items.length);
    }
  });

  it('folds: one split per fold, each fold is test exactly once', () => {
    const { splits } = splitItems(items, { kind: 'folds' }, 0);
    expect(splits.map((s) => s.name)).toEqual(['fold-1', 'fold-2', 'fold-3', 'fold-4', 'fold-5']);
    for (const [k, s] of splits.entries()) {
      expect(s.test.every((x) => x.fold === k + 1)).toBe(true);
      expect(s.train.some((x) => x.fold === k + 1)).toBe(false);
      expect(s.test.length + s.train.length).toBe(items.length);
    }
    expect(() => splitItems([{ path: '/x', label: 'a' }, { path: '/y', label: 'b', fold: 1 }], { kind: 'folds' }, 0)).toThrow(/\/x has none/);
  });

  it("rule: FSDD's official split (index 0–4 test) with a stratified validation set carved from train", () => {
    const s = splitItems(items, presetSplit('fsdd', 0.1), 5).splits[0]!;
    expect(s.test).toHaveLength(300);
    expect(s.test.every((x) => x.index! < 5)).toBe(true);
    expect(s.validation).toHaveLength(30);
    expect(Object.values(labelCounts(s.validation))).toEqual(Array(10).fill(3));
    expect(s.train.every((x) => x.index! >= 5)).toBe(true);
    const speakers = splitItems(items, { kind: 'rule', test: { field: 'group', op: 'in', value: ['ann'] } }, 0).splits[0]!;
    expect(new Set(speakers.test.map((x) => x.group))).toEqual(new Set(['ann']));
    expect(() => splitItems([{ path: '/no-index.wav', label: 'a' }], presetSplit('fsdd'), 0)).toThrow("rule on 'index' but /no-index.wav has no index");
  });

  it('manifest maps every file to exactly one split', () => {
    const m = splitManifest(splitItems(items, { kind: 'stratified', validation: 0.2 }, 9).splits[0]!);
    expect(Object.keys(m)).toHaveLength(items.length);
    expect(new Set(Object.values(m))).toEqual(new Set(['train', 'validation', 'test']));
  });

  it('rejects fractions outside [0, 1)', () => {
    expect(() => splitItems(items, { kind: 'random', test: 1.5 }, 0)).toThrow(/test fraction/);
  });
});
