import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanOutcome, cli, demoArgs, listTree, outcome, printedRunDir, runCli, runDirs, type Outcome } from './attack-helpers.js';

// kill -9 at each stage boundary, then --resume: the run must end exactly as a clean one.
// EARSHOT_TEST_KILL_AT=<point> makes the CLI SIGKILL itself there (honoured only under vitest,
// see @earshot/model-cnn/kill-point); `rename:<name>` points sit between writing a file or
// directory's temporary and renaming it into place.

let work: string;
let reference: Outcome;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-kill-'));
  if (!existsSync(cli)) return;
  reference = await cleanOutcome({ cache: join(work, 'cache'), output: join(work, 'clean') });
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const points: { at: string; what: string; coldCache?: boolean }[] = [
  { at: 'after-scan', what: 'after the scan' },
  { at: 'during-features', what: 'halfway through feature extraction', coldCache: true },
  { at: 'after-features', what: 'after the features' },
  { at: 'after-epoch-1', what: 'during training, after a checkpoint' },
  { at: 'rename:epoch-0002', what: 'while writing a checkpoint' },
  { at: 'rename:weights.bin', what: 'while saving the model' },
  { at: 'rename:metrics.json', what: 'while writing metrics.json' },
  { at: 'rename:report.html', what: 'while writing the report' },
];

describe.skipIf(!existsSync(cli))('kill -9 at each stage boundary, then --resume', () => {
  it.each(points)('killed $what ($at): --resume ends with a clean run\'s metrics', async ({ at, coldCache }) => {
    const dirs = { cache: coldCache ? join(work, `cache-${at}`) : join(work, 'cache'), output: join(work, at) };
    const killed = await runCli(demoArgs(dirs), { EARSHOT_TEST_KILL_AT: at });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const [runDir, ...others] = await runDirs(dirs.output);
    expect(others).toEqual([]);
    if (at === 'rename:epoch-0002') {
      // The interrupted checkpoint exists only under its temporary name; latest.json still names epoch 1.
      const checkpoints = join(runDir!, 'checkpoints');
      const names = (await readdir(checkpoints)).sort();
      expect(names).toHaveLength(3);
      expect(names[0]).toBe('epoch-0001');
      expect(names[1]).toMatch(/^epoch-0002\.tmp-\d+$/);
      expect(names[2]).toBe('latest.json');
      expect(JSON.parse(await readFile(join(checkpoints, 'latest.json'), 'utf8')).dir).toBe('epoch-0001');
    }

    const resumed = await runCli([...demoArgs(dirs), '--resume', runDir!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await outcome(runDir!)).toEqual(reference);
    expect((await listTree(runDir!)).filter((p) => p.includes('.tmp-'))).toEqual([]);
  }, 120_000);
});
