import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanOutcome, cli, demoArgs, outcome, printedRunDir, runCli, runDirs, type Outcome } from './attack-helpers.js';

// Several runs of one experiment at once, on one (cold) cache and one output folder: each gets
// its own run directory, they share the feature work, and all end with a clean run's metrics.

let work: string;
let reference: Outcome;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-concurrent-'));
  if (!existsSync(cli)) return;
  reference = await cleanOutcome({ cache: join(work, 'cache-clean'), output: join(work, 'clean') });
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(!existsSync(cli))('concurrent runs of one experiment on one cache', () => {
  it.each([2, 3])('%i runs at once all succeed in separate run directories with identical metrics', async (n) => {
    const dirs = { cache: join(work, `cache-${n}`), output: join(work, `runs-${n}`) };
    const results = await Promise.all(Array.from({ length: n }, () => runCli(demoArgs(dirs))));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const printed = results.map(printedRunDir).sort();
    expect(new Set(printed).size).toBe(n);
    expect(await runDirs(dirs.output)).toEqual(printed);
    for (const dir of printed) expect(await outcome(dir)).toEqual(reference);
  }, 240_000);
});
