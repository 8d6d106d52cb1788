import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperiment, trainSettings } from '../src/config/index.js';
import { budgetEpochs, describeBudget, EPOCH_OVERHEAD, type BudgetFacts } from '../src/stages/time-budget.js';
import { problemsOf } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const demo = fileURLToPath(new URL('../../../experiments/demo.yaml', import.meta.url));

describe('train.time_budget: the epochs that fit', () => {
  const facts: BudgetFacts = { budgetSeconds: 600, elapsedSeconds: 40, epochSeconds: 10, foldSetupSeconds: 0, folds: 1, maxEpochs: 100 };

  it('fills the remaining time with epochs of the steady length plus the margin', () => {
    // 560 s left after epoch 1: 1 + floor(560 / 10.5) = 54 epochs, the 54th ends at 40 + 53 × 10.5 = 596.5 s.
    expect(budgetEpochs(facts)).toEqual({ epochs: 54, fits: true });
    expect(40 + 53 * 10 * EPOCH_OVERHEAD).toBeLessThanOrEqual(600);
    expect(40 + 54 * 10 * EPOCH_OVERHEAD).toBeGreaterThan(600);
  });

  it('shares the budget between folds, each paying its set-up, and keeps train.epochs as the limit', () => {
    // 5 folds: (560 − 4 × 5) / 10.5 + 1 = 52.43 epochs in all, 10 per fold.
    expect(budgetEpochs({ ...facts, folds: 5, foldSetupSeconds: 5 })).toEqual({ epochs: 10, fits: true });
    expect(budgetEpochs({ ...facts, budgetSeconds: 36_000 })).toEqual({ epochs: 100, fits: true });
  });

  it('trains one epoch when not even one fits, and says so', () => {
    const spent = { ...facts, budgetSeconds: 30, folds: 3 };
    const fit = budgetEpochs(spent);
    expect(fit).toEqual({ epochs: 1, fits: false });
    expect(describeBudget('30s', spent, fit)).toBe(
      'time budget 30s: an epoch takes 10.0 s once warmed up (40.0 s into the run), so not even 1 epoch per fold fits: training 1 (train.epochs: 100)',
    );
    expect(describeBudget('10m', { ...facts, folds: 5 }, { epochs: 41, fits: true })).toBe(
      'time budget 10m: an epoch takes 10.0 s once warmed up (40.0 s into the run), so 5 folds × 41 epochs fit (train.epochs: 100)',
    );
  });

  it('is validated with the duration units of --older-than', () => {
    const config = parseExperiment({ dataset: { root: 'd' }, train: { time_budget: '90m' } });
    expect(trainSettings(config).timeBudget).toEqual({ text: '90m', seconds: 5400 });
    expect(trainSettings(parseExperiment({ dataset: { root: 'd' } })).timeBudget).toBeNull();
    expect(problemsOf(() => parseExperiment({ dataset: { root: 'd' }, train: { time_budget: 'an hour' } }))).toEqual([
      expect.stringMatching(/^train\.time_budget: bad duration "an hour": expected a number and a unit/),
    ]);
    expect(problemsOf(() => parseExperiment({ dataset: { root: 'd' }, train: { time_budget: '0s' } }))).toEqual([
      expect.stringMatching(/^train\.time_budget: must be above 0/),
    ]);
    expect(problemsOf(() => parseExperiment({ dataset: { root: 'd' }, train: { time_budget: 90 } }))).toEqual([expect.stringMatching(/^train\.time_budget: /)]);
  });
});

describe.skipIf(!existsSync(cli))('train.time_budget on the demo', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'earshot-budget-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  // A small demo (8 clips per class of 0.5 s) on one training thread: seconds per run.
  const run = (sets: string[], extra: { args?: string[]; env?: Record<string, string> } = {}) => {
    const args = ['dataset.demo={seed: 0, per_class: 8, seconds: 0.5}', 'audio.duration=0.5', 'train.epochs=3', 'runtime.train_workers=1', `cache.dir=${join(work, 'cache')}`, `output.dir=${join(work, 'runs')}`, ...sets];
    const argv = [cli, demo, ...args.flatMap((s) => ['--set', s]), ...(extra.args ?? [])];
    const result = spawnSync(process.execPath, argv, { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', ...extra.env } });
    const lines = result.stdout.trimEnd().split('\n');
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, runDir: lines[lines.length - 1]! };
  };
  const metricsOf = async (runDir: string) => JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));

  it('a budget too small for one epoch trains one, says so and records it', async () => {
    const r = run(['train.time_budget=1s', 'name=budget-1s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^time budget 1s: an epoch takes \d+\.\d s once warmed up \(\d+\.\d s into the run\), so not even 1 epoch fits: training 1 \(train\.epochs: 3\)$/m);
    expect(r.stdout).toMatch(/^epoch 1\/1  train loss/m);
    const m = await metricsOf(r.runDir);
    expect(m.epochs).toHaveLength(1);
    expect(m.time_budget).toEqual({ seconds: 1, first_epoch_seconds: m.epochs[0].seconds, epochs: 1 });
  }, 120_000);

  it('a large budget keeps train.epochs, in every fold', async () => {
    const r = run(['train.time_budget=2h', 'name=budget-2h', 'split={kind: folds, k: 2}']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^time budget 2h: an epoch takes \d+\.\d s once warmed up \(\d+\.\d s into the run\), so 2 folds × 3 epochs fit \(train\.epochs: 3\)$/m);
    expect(r.stdout).toMatch(/^fold 2: epoch 3\/3  /m);
    const m = await metricsOf(r.runDir);
    expect(m.folds.map((f: { epochs: unknown[] }) => f.epochs.length)).toEqual([3, 3]);
    expect(m.time_budget).toMatchObject({ seconds: 7200, epochs: 3 });
  }, 120_000);

  it('without a budget, metrics.json has no time_budget', async () => {
    const r = run(['name=budget-none', 'train.epochs=1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/time budget/);
    expect((await metricsOf(r.runDir)).time_budget).toBeUndefined();
  }, 120_000);

  it('--resume keeps the epochs the first epoch chose, without fitting again', async () => {
    // Killed after epoch 1 of 1 (1s fits one): a resume that forgot the fit would train epochs 2 and 3.
    const sets = ['train.time_budget=1s', 'name=budget-resume'];
    const killed = run(sets, { env: { EARSHOT_TEST_KILL_AT: 'after-epoch-1' } });
    expect(killed.code).not.toBe(0);
    expect(killed.stdout).toMatch(/^epoch 1\/1  /m);
    const runDir = join(work, 'runs', (await readdir(join(work, 'runs'))).find((d) => d.startsWith('budget-resume-'))!);
    const r = run(sets, { args: ['--resume', runDir] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^time budget 1s: resumed with 1 epoch, fitted after the first epoch \(train\.epochs: 3\)$/m);
    expect(r.stdout).not.toMatch(/once warmed up/);
    const m = await metricsOf(r.runDir);
    expect(m.epochs).toHaveLength(1);
    expect(m.time_budget).toEqual({ seconds: 1, first_epoch_seconds: m.epochs[0].seconds, epochs: 1 });
  }, 120_000);
});
