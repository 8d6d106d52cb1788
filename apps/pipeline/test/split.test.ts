import type { AudioItem } from '@earshot/dataset-io';
import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../src/config/index.js';
import { datasetSource } from '../src/stages/scan.js';
import { assignFolds, manifestCsv, planSplits, splitSpec } from '../src/stages/split.js';

const fsddItems: AudioItem[] = [];
for (const digit of ['0', '1', '2']) {
  for (const speaker of ['george', 'jackson']) {
    for (let index = 0; index < 10; index++) {
      fsddItems.push({ path: `/d/${digit}_${speaker}_${index}.wav`, label: digit, group: speaker, index });
    }
  }
}

describe('split planning', () => {
  it('official FSDD split: index 0–4 is test', () => {
    const config = parseExperiment({ dataset: { root: '/d', preset: 'fsdd' }, split: { kind: 'official' } });
    const plan = planSplits(fsddItems, config);
    expect(plan.labels).toEqual(['0', '1', '2']);
    expect(plan.folds).toHaveLength(1);
    const [fold] = plan.folds;
    expect(fold!.test.every((i) => fsddItems[i]!.index! < 5)).toBe(true);
    expect(fold!.train.every((i) => fsddItems[i]!.index! >= 5)).toBe(true);
    expect(fold!.test).toHaveLength(30);
  });

  it('official needs a preset, early stopping a validation split (config errors at the key)', () => {
    expect(() => parseExperiment({ dataset: { root: '/d' }, split: { kind: 'official' } })).toThrow(/split\.kind: official needs dataset\.preset/);
    expect(() => parseExperiment({ dataset: { root: '/d' }, split: { kind: 'stratified' }, train: { early_stopping: { patience: 2 } } })).toThrow(
      /train\.early_stopping: needs a validation split/,
    );
    expect(splitSpec(parseExperiment({ dataset: { root: '/d', preset: 'esc50' }, split: { kind: 'official', validation: 0.1 } }))).toEqual({ kind: 'folds', validation: 0.1 });
  });

  it('UrbanSound8K: the official split is its folds; folder labels take groups from a file-name pattern', () => {
    expect(splitSpec(parseExperiment({ dataset: { root: '/u', preset: 'urbansound8k' }, split: { kind: 'official' } }))).toEqual({ kind: 'folds', validation: 0 });
    expect(datasetSource(parseExperiment({ dataset: { root: '/u', preset: 'urbansound8k' } }), '/u')).toEqual({ kind: 'preset', preset: 'urbansound8k', root: '/u' });
    const words = parseExperiment({ dataset: { root: '/w', labels: { source: 'folder', pattern: '^(?<group>[a-z]+)_' } }, split: { kind: 'group' } });
    expect(datasetSource(words, '/w')).toEqual({ kind: 'folder', root: '/w', pattern: '^(?<group>[a-z]+)_' });
  });

  it('warns when a group split has no groups: it would silently be a per-file split', () => {
    const ungrouped = fsddItems.map(({ group: _group, ...item }) => item);
    const config = parseExperiment({ dataset: { root: '/d' }, split: { kind: 'group' } });
    expect(planSplits(ungrouped, config).warnings).toEqual([expect.stringMatching(/^split\.kind group: no file has a group, .* per-file random split/)]);
    expect(planSplits(fsddItems, config).warnings).toEqual([]);
  });

  it('lists: exactly the listed files are test and validation, and listed files not in the data are counted', () => {
    const config = parseExperiment({ dataset: { root: '/d' }, split: { kind: 'lists', test_list: 'testing_list.txt', validation_list: 'validation_list.txt' } });
    const lists = { test: new Set(['/d/0_george_0.wav', '/d/1_jackson_3.wav', '/d/gone.wav']), validation: new Set(['/d/2_george_9.wav']) };
    const plan = planSplits(fsddItems, config, lists);
    const [fold] = plan.folds;
    expect(fold!.test.map((i) => fsddItems[i]!.path)).toEqual(['/d/0_george_0.wav', '/d/1_jackson_3.wav']);
    expect(fold!.validation.map((i) => fsddItems[i]!.path)).toEqual(['/d/2_george_9.wav']);
    expect(fold!.train).toHaveLength(fsddItems.length - 3);
    expect(plan.warnings).toEqual(['split.test_list: 1 listed file(s) are not among the usable files (missing, or skipped by the scan)']);
    expect(() => planSplits(fsddItems, config)).toThrow(/lists were not loaded/);
  });

  it('k seeded stratified folds partition the data, each clip tested once', () => {
    const config = parseExperiment({ seed: 7, dataset: { root: '/d' }, split: { kind: 'folds', k: 3 } });
    const plan = planSplits(fsddItems, config);
    expect(plan.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    const tested = plan.folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(fsddItems.map((_, i) => i));
    for (const f of plan.folds) {
      expect(new Set([...f.train, ...f.test]).size).toBe(fsddItems.length);
      // stratified: each label has 20 clips → 6 or 7 per fold
      for (const label of plan.labels) {
        const n = f.test.filter((i) => fsddItems[i]!.label === label).length;
        expect(n).toBeGreaterThanOrEqual(6);
        expect(n).toBeLessThanOrEqual(7);
      }
    }
    expect(assignFolds(fsddItems, 3, 7)).toEqual(assignFolds(fsddItems, 3, 7));
    expect(assignFolds(fsddItems, 3, 7)).not.toEqual(assignFolds(fsddItems, 3, 8));
    const csv = manifestCsv(fsddItems, plan).trim().split('\n');
    expect(csv[0]).toBe('path,label,split,fold,reason');
    expect(csv).toHaveLength(61);
    const skipped = manifestCsv(fsddItems, plan, [{ path: fsddItems[3]!.path, reason: 'decode failed' }, { path: '/d/bad.wav', reason: 'empty file (0 bytes)' }], () => 'x')
      .trim().split('\n');
    expect(skipped).toHaveLength(62);
    expect(skipped[4]).toBe(`${fsddItems[3]!.path},${fsddItems[3]!.label},skipped,,decode failed`);
    expect(skipped[61]).toBe('/d/bad.wav,x,skipped,,empty file (0 bytes)');
  });

  it('a group split keeps each speaker on one side, with validation carved from train', () => {
    const config = parseExperiment({ dataset: { root: '/d' }, split: { kind: 'group', test: 0.5, validation: 0.2 } });
    const [fold] = planSplits(fsddItems, config).folds;
    const groups = (idx: number[]) => new Set(idx.map((i) => fsddItems[i]!.group));
    const test = groups(fold!.test);
    for (const g of groups(fold!.train)) expect(test.has(g)).toBe(false);
  });
});

describe('dataset source mapping', () => {
  it('maps presets, filename regexes and CSV manifests', () => {
    const fsdd = parseExperiment({ dataset: { root: '/d', preset: 'fsdd' } });
    expect(datasetSource(fsdd, '/d')).toEqual({ kind: 'preset', preset: 'fsdd', root: '/d' });
    const regex = parseExperiment({ dataset: { root: '/d', labels: { source: 'filename', pattern: '^(?<label>\\w+)-' } } });
    expect(datasetSource(regex, '/d')).toEqual({ kind: 'filename', root: '/d', pattern: '^(?<label>\\w+)-' });
    const csv = parseExperiment({ dataset: { root: '/d', labels: { source: 'csv', file: 'meta.csv', fold_column: 'fold' } } });
    expect(datasetSource(csv, '/d')).toEqual({ kind: 'csv', root: '/d', manifest: 'meta.csv', columns: { path: 'path', label: 'label', fold: 'fold' } });
  });
});
