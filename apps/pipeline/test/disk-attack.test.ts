import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, demoArgs, listTree, outcome, printedRunDir, runCli, runDirs, type CliResult, type Outcome } from './attack-helpers.js';

// A real size-limited file system (tmpfs, needs root as in CI) holds the run directory; the cache
// stays on the normal disk. A seed-cnn checkpoint is ~33 MB (weights + two Adam moments), the model
// ~11 MB, and a checkpoint is written before the previous one is removed. EIO (which a tmpfs never
// gives), and ENOSPC where mounting fails, are injected by a preload instead (fixtures/inject-fs-error.mjs).
const MB = 1_000_000;
const injectFsError = pathToFileURL(fileURLToPath(new URL('./fixtures/inject-fs-error.mjs', import.meta.url))).href;
/** Environment for a CLI run whose writes to paths containing `path` fail with `code`. */
const injected = (code: 'ENOSPC' | 'EIO', path: string) => ({ NODE_OPTIONS: `--import ${injectFsError}`, EARSHOT_TEST_FS_ERROR: code, EARSHOT_TEST_FS_ERROR_PATH: path });

let work: string;
let disk: string;
let mounted = false;
const cache = () => join(work, 'cache');
const output = () => join(disk, 'runs');
const clean: Record<number, Outcome> = {};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-disk-'));
  disk = join(work, 'disk');
  await mkdir(disk);
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', disk]).status === 0;
  if (!existsSync(cli)) return;
  // Clean runs on the normal disk: the results a starved-then-resumed run must reproduce.
  for (const epochs of [3, 1]) {
    const r = await runCli(demoArgs({ cache: cache(), output: join(work, `clean-${epochs}`) }, epochs));
    expect(r.code, r.stderr).toBe(0);
    clean[epochs] = await outcome(printedRunDir(r));
  }
}, 240_000);

afterAll(async () => {
  if (mounted) spawnSync('umount', [disk]);
  await rm(work, { recursive: true, force: true });
});

/** Empties the tmpfs, then fills it until only `leaveBytes` are free. */
async function fillDisk(leaveBytes: number): Promise<void> {
  for (const name of await readdir(disk)) await rm(join(disk, name), { recursive: true, force: true });
  const s = await statfs(disk);
  const fill = s.bavail * s.bsize - leaveBytes;
  await writeFile(join(disk, 'filler'), Buffer.alloc(fill)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOSPC') throw err; // asked for a full disk: it is
  });
}

/** The one line a disk-full run prints: no stack, the directory, needed and free. */
function expectOneLine(r: CliResult, dir: string, hint: string, what = 'disk full'): RegExpMatchArray {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = lines[0]!.match(new RegExp(`^error: ${escape(what)} writing ${escape(dir)}: needed ~([\\d.]+) MB, ([\\d.]+) (MB|KB) free; free space and ${escape(hint)}$`));
  expect(match, lines[0]).not.toBeNull();
  return match!;
}

/** A checkpoint directory is complete or absent: the one latest.json names, with every tensor file at full size. */
async function expectCompleteCheckpoints(runDir: string): Promise<void> {
  const dir = join(runDir, 'checkpoints');
  const meta = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8')) as { dir: string; tensors: Record<string, number[]> };
  expect((await readdir(dir)).sort()).toEqual([meta.dir, 'latest.json'].sort());
  for (const [key, lengths] of Object.entries(meta.tensors)) {
    expect((await stat(join(dir, meta.dir, `${key}.bin`))).size).toBe(lengths.reduce((a, b) => a + b, 0) * 4);
  }
}

describe.skipIf(!existsSync(cli))('disk-full attacks on a real size-limited tmpfs', () => {
  it('ENOSPC at the second checkpoint: exit 1, one line, no partial checkpoint; --resume after freeing space ends as a clean run', async ({ skip }) => {
    if (!mounted) skip('mount -t tmpfs failed (not root?)');
    await fillDisk(45 * MB); // room for the first checkpoint, not for the second beside it
    const r = await runCli(demoArgs({ cache: cache(), output: output() }));
    const [runDir] = await runDirs(output());
    const [, needed] = expectOneLine(r, join(runDir!, 'checkpoints'), `rerun with --resume ${runDir}`);
    expect(Number(needed)).toBeGreaterThan(30);
    expect((await listTree(runDir!)).filter((p) => p.includes('.tmp-'))).toEqual([]);
    await expectCompleteCheckpoints(runDir!);
    expect(JSON.parse(await readFile(join(runDir!, 'checkpoints', 'latest.json'), 'utf8')).epoch).toBe(1);

    await rm(join(disk, 'filler'));
    const resumed = await runCli([...demoArgs({ cache: cache(), output: output() }), '--resume', runDir!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('resumed after epoch 1');
    expect(await outcome(runDir!)).toEqual(clean[3]);
    expect((await listTree(runDir!)).filter((p) => p.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it('ENOSPC saving the model: exit 1, one line naming model/, no model file half written; --resume ends as a clean run', async ({ skip }) => {
    if (!mounted) skip('mount -t tmpfs failed (not root?)');
    await fillDisk(40 * MB); // the only checkpoint fits, the model beside it does not
    const args = demoArgs({ cache: cache(), output: output() }, 1);
    const r = await runCli(args);
    const [runDir] = await runDirs(output());
    const [, needed] = expectOneLine(r, join(runDir!, 'model'), `rerun with --resume ${runDir}`);
    expect(Number(needed)).toBeGreaterThan(10);
    const tree = await listTree(runDir!);
    expect(tree.filter((p) => p.includes('.tmp-'))).toEqual([]);
    expect(tree).not.toContain('model/model.json');
    expect(tree).not.toContain('metrics.json');

    await rm(join(disk, 'filler'));
    const resumed = await runCli([...args, '--resume', runDir!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await outcome(runDir!)).toEqual(clean[1]);
  }, 120_000);

  it('a completely full disk: exit 1, one line naming the output directory, no empty run directory left', async ({ skip }) => {
    if (!mounted) skip('mount -t tmpfs failed (not root?)');
    await fillDisk(0);
    await mkdir(output()).catch(() => {}); // may itself find the disk full: then the CLI's mkdir does
    const r = await runCli(demoArgs({ cache: cache(), output: output() }));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    // Either the run directory or its first file could not be written: nothing to resume.
    expect(r.stderr).toMatch(new RegExp(`^error: disk full writing ${output()}(/demo-[\\d-]+)?: needed ~\\d+ KB, \\d+ KB free; free space and rerun\\n$`));
    expect(await runDirs(output())).toEqual([]);
  }, 60_000);

  it('EIO (injected) saving the model: exit 1, one line naming model/; --resume ends as a clean run', async () => {
    const dirs = { cache: cache(), output: join(work, 'eio') };
    const r = await runCli(demoArgs(dirs, 1), injected('EIO', 'model/weights.bin'));
    const [runDir] = await runDirs(dirs.output);
    expectOneLine(r, join(runDir!, 'model'), `rerun with --resume ${runDir}`, 'I/O error (EIO)');
    expect((await listTree(runDir!)).filter((p) => p.includes('.tmp-') || p.startsWith('model/'))).toEqual([]);
    const resumed = await runCli([...demoArgs(dirs, 1), '--resume', runDir!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await outcome(runDir!)).toEqual(clean[1]);
  }, 120_000);

  it('ENOSPC injected at the second checkpoint (the fallback where a tmpfs cannot be mounted): one line; --resume ends as a clean run', async ({ skip }) => {
    if (mounted && !process.env['EARSHOT_TEST_INJECT_ENOSPC']) skip('the real tmpfs test above covers this');
    const dirs = { cache: cache(), output: join(work, 'enospc') };
    const r = await runCli(demoArgs(dirs), injected('ENOSPC', 'checkpoints/epoch-0002'));
    const [runDir] = await runDirs(dirs.output);
    expectOneLine(r, join(runDir!, 'checkpoints'), `rerun with --resume ${runDir}`);
    expect((await listTree(runDir!)).filter((p) => p.includes('.tmp-'))).toEqual([]);
    await expectCompleteCheckpoints(runDir!);
    const resumed = await runCli([...demoArgs(dirs), '--resume', runDir!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await outcome(runDir!)).toEqual(clean[3]);
  }, 120_000);
});
