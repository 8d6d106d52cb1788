// A YAML holding only dataset.root trains on a folder of clips of different lengths: labels are
// detected, the duration chosen, the split stratified with validation, the input standardised.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunMetrics } from '../src/run-metrics.js';
import { writeToneDataset } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-defaults-'));
  await writeToneDataset(join(work, 'clips'), 14, 0.8, 16000, 9); // about 0.56–1.04 s: lengths differ
  await writeFile(join(work, 'exp.yaml'), 'dataset: { root: clips }\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

describe.skipIf(!existsSync(cli))('the default recipe on a user folder', () => {
  it('trains from dataset.root alone, and recipe: seed fails on the differing lengths as the seed would', async () => {
    const trained = run(['exp.yaml']);
    expect(trained.status, trained.stderr).toBe(0);
    expect(trained.stdout).toContain('labels: one folder per class: 3 folders hold 42 of 42 audio files');
    const chosen = Number(/^audio\.duration auto: (\d+(?:\.\d)?) s \(95% of clips are at most/m.exec(trained.stdout)?.[1]);
    expect(chosen).toBeGreaterThanOrEqual(1);
    expect(chosen).toBeLessThanOrEqual(1.1);
    expect(trained.stdout).toMatch(/^split: train \d+, validation \d+, test 9$/m);
    const metrics = parseRunMetrics(JSON.parse(await readFile(resolve(work, trained.stdout.trimEnd().split('\n').pop()!, 'metrics.json'), 'utf8')));
    expect(metrics.dataset.split.validation).toBeGreaterThan(0);
    expect(metrics.test.accuracy).toBeGreaterThanOrEqual(0.9);
    const preprocess = JSON.parse(await readFile(resolve(work, trained.stdout.trimEnd().split('\n').pop()!, 'model', 'preprocess.json'), 'utf8'));
    expect(preprocess.recipe).toMatchObject({ clip: { duration: chosen }, normalization: { kind: 'standardize' } });

    const seed = run(['exp.yaml', '--set', 'recipe=seed']);
    // A config problem (exit 2), found from the scan before any feature is computed.
    expect(seed.status).toBe(2);
    expect(seed.stderr).toMatch(/audio\.duration: null needs clips of one length, .* set audio\.duration/);
  }, 180_000);
});
