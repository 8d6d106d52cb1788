// Attacks on the feature cache, through the real CLI in real processes: a damaged lmdb file never
// takes a run down (it is moved aside, the run finishes with a clean run's metrics), and a full
// disk is one clear line and exit 1, with committed entries reused once space is free.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const experiment = fileURLToPath(new URL('../../../experiments/demo.yaml', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'earshot-cache-attack-'));
/** The demo dataset lives outside every cache dir, so that moving a cache aside or a full disk leaves it alone. */
const dataset = join(work, 'demo-data');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runArgs(cacheDir: string): string[] {
  return [
    cli, experiment,
    '--set', `cache.dir=${cacheDir}`, '--set', `dataset.root=${dataset}`, '--set', 'dataset.demo.per_class=20',
    '--set', 'train.epochs=2', '--set', `output.dir=${join(work, 'runs')}`,
  ];
}

function run(cacheDir: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, runArgs(cacheDir), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What must not change between a clean run and a run over an attacked cache. */
function outcome(result: RunResult): unknown {
  const runDir = result.stdout.trim().split('\n').at(-1)!;
  const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as { test: { accuracy: number; confusion_matrix: number[][]; misclassified: unknown[] } };
  return { accuracy: metrics.test.accuracy, confusion: metrics.test.confusion_matrix, misclassified: metrics.test.misclassified };
}

function damagedDirs(cacheDir: string): string[] {
  return readdirSync(dirname(cacheDir)).filter((name) => name.startsWith(`${basename(cacheDir)}.damaged-`));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let template = '';
let clean: unknown;

beforeAll(async () => {
  template = join(work, 'template');
  const result = await run(template);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain('features: 0 cached, 60 computed');
  clean = outcome(result);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the clean run's cache (its lmdb file only), attacked by `attack`. */
function attackedCache(name: string, attack: (file: string) => void): string {
  const dir = join(work, name);
  cpSync(template, dir, { recursive: true, filter: (source) => !source.includes('datasets') });
  attack(join(dir, 'features.mdb'));
  return dir;
}

const attacks: [string, (file: string) => void][] = [
  ['truncated to half its size', (file) => truncateSync(file, Math.floor(statSync(file).size / 2))],
  [
    'with 1 MB of random bytes written into its middle',
    (file) => {
      const size = statSync(file).size;
      const junk = Buffer.alloc(2 ** 20);
      let state = 12345;
      for (let i = 0; i < junk.length; i++) junk[i] = (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24;
      const fd = openSync(file, 'r+');
      writeSync(fd, junk, 0, junk.length, Math.max(2 * 4096, Math.floor(size / 2) - junk.length / 2));
      closeSync(fd);
    },
  ],
  ['of zero length', (file) => writeFileSync(file, '')],
];

describe('a damaged features.mdb', { timeout: 240_000 }, () => {
  for (const [name, attack] of attacks) {
    it.concurrent(`${name}: moved aside in one line, the run finishes with a clean run's metrics`, async () => {
      const dir = attackedCache(name.split(' ')[0]!, attack);
      const info = spawnSync(process.execPath, [cli, 'cache', 'info', '--dir', dir], { encoding: 'utf8' });
      expect(info.status, info.stderr).toBe(0); // reported, not a crash
      expect(info.stdout).toMatch(new RegExp(`^cache ${escape(dir)}: damaged \\(`));

      const result = await run(dir);
      expect(result.code, result.stderr).toBe(0);
      const notices = result.stderr.split('\n').filter((line) => line.includes('damaged'));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(new RegExp(`^cache ${escape(dir)}: damaged \\(.+\\); moved it aside to ${escape(dir)}\\.damaged-\\S+, continuing with a fresh cache$`));
      expect(damagedDirs(dir)).toHaveLength(1);
      expect(existsSync(join(dirname(dir), damagedDirs(dir)[0]!, 'features.mdb'))).toBe(true);
      expect(outcome(result)).toEqual(clean);
    });
  }
});

describe('concurrent runs sharing one cache', { timeout: 300_000 }, () => {
  it('two runs on a fresh cache both finish with a clean run\'s metrics', async () => {
    const dir = join(work, 'shared-two');
    const results = await Promise.all([run(dir), run(dir)]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(outcome(result)).toEqual(clean);
    }
    expect(damagedDirs(dir)).toHaveLength(0);
  });

  it('three runs on a truncated cache: it is moved aside once, all finish with a clean run\'s metrics', async () => {
    const dir = attackedCache('shared-three', (file) => truncateSync(file, Math.floor(statSync(file).size / 2)));
    const results = await Promise.all([run(dir), run(dir), run(dir)]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0);
      expect(outcome(result)).toEqual(clean);
    }
    expect(damagedDirs(dir)).toHaveLength(1);
    const movers = results.filter((r) => r.stderr.includes('moved it aside to'));
    expect(movers).toHaveLength(1);
  });
});

/** A 20 MB tmpfs (root only); undefined when it cannot be mounted here. */
function smallDisk(): string | undefined {
  const mountPoint = join(work, 'small-disk');
  rmSync(mountPoint, { recursive: true, force: true });
  const made = spawnSync('sh', ['-c', `mkdir -p '${mountPoint}' && mount -t tmpfs -o size=20m tmpfs '${mountPoint}'`]);
  return made.status === 0 ? mountPoint : undefined;
}

const disk = smallDisk();

describe('a full disk under the cache', { timeout: 240_000 }, () => {
  afterAll(() => {
    if (disk) spawnSync('umount', [disk]);
  });

  it.skipIf(!disk)('on a full 20 MB tmpfs: exit 1 and one line; once space is freed the rerun reuses the committed entries', async () => {
    const dir = join(disk!, 'cache');
    // Leave ~1.5 MB: room for some of the 60 entries (45 KB each) but not all.
    const filler = join(disk!, 'filler');
    writeFileSync(filler, Buffer.alloc(20 * 2 ** 20 - 1.5 * 2 ** 20));
    const full = await run(dir);
    expect(full.code, full.stderr).toBe(1);
    const errors = full.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors, full.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^error: cache ${escape(dir)}: disk full: needed ~[\\d.]+ MB, [\\d.]+ MB free; free space or set cache\\.dir`));
    expect(full.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(damagedDirs(dir)).toHaveLength(0);

    rmSync(filler);
    const rerun = await run(dir);
    expect(rerun.code, rerun.stderr).toBe(0);
    const cached = Number(/features: (\d+) cached/.exec(rerun.stdout)?.[1]);
    expect(cached).toBeGreaterThan(0); // what was committed before the disk filled up is reused
    expect(outcome(rerun)).toEqual(clean);
  });
});
