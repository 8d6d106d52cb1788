import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, diffConfig, flattenConfig } from '../src/compare.js';
import { fixtureConfig, fixtureMetrics, writeFixtureRun } from './report-fixture.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'earshot-compare-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The line of `text` that starts (after indentation) with `label`, split into its columns. */
function columns(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${label} `));
  if (!line) throw new Error(`no line for ${label} in:\n${text}`);
  return line.trim().split(/\s{2,}/);
}

describe('flattenConfig / diffConfig', () => {
  it('flattens nested keys, keeps scalar arrays whole and reports added/removed keys', () => {
    const a = flattenConfig({ train: { lr: 0.001, epochs: 10 }, split: { kind: 'rule' }, tags: ['x', 'y'], blocks: [{ filters: 16 }] });
    expect([...a.entries()]).toEqual([
      ['train.lr', 0.001], ['train.epochs', 10], ['split.kind', 'rule'], ['tags', '["x","y"]'], ['blocks[0].filters', 16],
    ]);
    const b = flattenConfig({ train: { lr: 0.001, epochs: 20 }, tags: ['x', 'y'], blocks: [{ filters: 32 }], runtime: { backend: 'cpu' } });
    expect(diffConfig(a, b)).toEqual([
      { key: 'blocks[0].filters', a: 16, b: 32 },
      { key: 'runtime.backend', a: undefined, b: 'cpu' },
      { key: 'split.kind', a: 'rule', b: undefined },
      { key: 'train.epochs', a: 10, b: 20 },
    ]);
  });
});

describe('compareRuns', () => {
  it('prints config changes and aligned metrics with deltas', async () => {
    const a = await writeFixtureRun(join(scratch, 'demo-20261125-030000'), fixtureMetrics(), fixtureConfig(10, 0.001));
    const b = await writeFixtureRun(join(scratch, 'demo-20261125-040000'), fixtureMetrics({ accuracyShift: true }), fixtureConfig(20, 0.0005));
    const text = await compareRuns(a, b);

    expect(text).toContain('config: 2 changes');
    expect(columns(text, 'train.epochs')).toEqual(['train.epochs', '10', '→', '20']);
    expect(columns(text, 'train.lr')).toEqual(['train.lr', '0.001', '→', '0.0005']);
    expect(text).not.toMatch(/^\s+model\.name/m); // unchanged keys are not listed

    // 42/48 → 46/48 correct.
    expect(columns(text, 'accuracy')).toEqual(['accuracy', '87.50%', '95.83%', '+8.33 pp']);
    expect(columns(text, 'F1 car')[0]).toBe('F1 car');
    expect(columns(text, 'train')).toEqual(['train', '60.1 s', '48.2 s', '−11.9 s (−20%)']);
    expect(columns(text, 'scan')).toEqual(['scan', '0.4 s', '0.4 s', '=']);

    // Columns line up: every metric row has its values ending at the same offsets.
    const rows = text.split('\n').filter((l) => /^\s+(accuracy|macro F1|F1 bird|total) /.test(l));
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((l) => l.length)).size).toBe(1);
  });

  it('shows cross-validation aggregates and says when a config is missing', async () => {
    const a = await writeFixtureRun(join(scratch, 'cv-a'), fixtureMetrics({ folds: true }));
    const b = await writeFixtureRun(join(scratch, 'cv-b'), fixtureMetrics({ folds: true }), null);
    const text = await compareRuns(a, b);
    expect(text).toContain('config: not compared (no config.resolved.yaml in b)');
    expect(text).toContain('cross-validation (mean / std)');
    const [, meanA, meanB, delta] = columns(text, 'accuracy mean');
    expect(meanA).toBe(meanB);
    expect(delta).toBe('=');
  });

  it('reports identical configs and names a broken file', async () => {
    const a = await writeFixtureRun(join(scratch, 'same-a'), fixtureMetrics());
    const b = await writeFixtureRun(join(scratch, 'same-b'), fixtureMetrics());
    expect(await compareRuns(a, b)).toContain('config: identical');
    await writeFile(join(b, 'config.resolved.yaml'), 'train: [unclosed');
    await expect(compareRuns(a, b)).rejects.toThrow(/same-b.config\.resolved\.yaml: not valid YAML/);
    await expect(compareRuns(a, join(scratch, 'nope'))).rejects.toThrow(/nope.metrics\.json: cannot read/);
  });
});
