// `init` writes a starter experiment from what `inspect` finds; it runs unchanged.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseExperiment } from '../src/config/index.js';
import { parseRunMetrics } from '../src/run-metrics.js';
import { writeToneDataset } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-init-'));
  await writeToneDataset(join(work, 'sounds'), 12, 0.5);
});
afterAll(() => rm(work, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe.skipIf(!existsSync(cli))('init', () => {
  it('writes a commented experiment for the folder, which trains as written', async () => {
    const init = run(['init', 'sounds']);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain('experiment.yaml: one folder per class: 3 folders hold 36 of 36 audio files');
    const text = await readFile(join(work, 'experiment.yaml'), 'utf8');
    expect(text).toMatch(/^# Written by `earshot init`/);
    const config = parseExperiment(parseYaml(text));
    expect(config.dataset.root).toBe('sounds'); // relative to the experiment's folder
    expect(config.split).toMatchObject({ kind: 'stratified', test: 0.2, validation: 0.1 });
    expect(config.features.normalize).toBe('standardize');
    expect(config.audio.duration).toBeGreaterThan(0.3);
    // The budget is offered, off; set, it is a valid experiment too.
    expect(text).toMatch(/^ {2}time_budget: null$/m);
    const budgeted = parseExperiment(parseYaml(text.replace('time_budget: null', 'time_budget: 20m')));
    expect(budgeted.train.time_budget).toBe('20m');

    expect(run(['init', 'sounds']).stderr).toBe('error: init: experiment.yaml exists; pass --force to overwrite it or --out to choose another file\n');

    const trained = run(['experiment.yaml']);
    expect(trained.status, trained.stderr).toBe(0);
    const runDir = trained.stdout.trimEnd().split('\n').pop()!;
    const metrics = parseRunMetrics(JSON.parse(await readFile(resolve(work, runDir, 'metrics.json'), 'utf8')));
    expect(metrics.labels).toEqual(['high', 'low', 'noise']);
    expect(metrics.dataset.split.validation).toBeGreaterThan(0);
  }, 180_000);
});
