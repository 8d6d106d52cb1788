import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FeatureCache } from '../src/index.js';
import { distEntry, freshDirs, syntheticKey, syntheticTensor } from './helpers.js';

const childScript = fileURLToPath(new URL('./child.mjs', import.meta.url));
const freshDir = freshDirs();

function runChild(dir: string, args: string[]) {
  return spawn(process.execPath, [childScript, dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ReturnType<typeof runChild>): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    // A sound cache shared by busy writers must never be taken for damaged and moved aside.
    child.on('exit', (code) => (code === 0 && !stderr.includes('damaged') ? resolve(stdout) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

/** Every entry in the cache must verify and hold exactly what the writers wrote for its key. */
function checkAllEntries(cache: FeatureCache): number {
  let checked = 0;
  for (const [key] of cache.accessRecords()) {
    const index = Number(key.slice('entry-'.length));
    const tensor = cache.get(key);
    expect(tensor, `entry ${key} fails verification`).toBeDefined();
    expect(tensor!.data).toEqual(syntheticTensor(index).data);
    checked++;
  }
  expect(cache.counters.corrupt).toBe(0);
  return checked;
}

describe('feature cache across processes', { timeout: 60_000 }, () => {
  it('survives kill -9 mid-write: committed entries verify, the rerun reuses them', async () => {
    const dir = freshDir();
    const child = runChild(dir, ['crash']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    // Kill it after a few hundred committed entries, at an arbitrary point of its write loop.
    const lastCommitted = await new Promise<number>((resolve, reject) => {
      let last = -1;
      child.stdout!.on('data', (chunk: Buffer) => {
        const lines = chunk.toString().trim().split('\n');
        last = Number(lines[lines.length - 1]);
        if (last >= 400) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`writer exited early (${code}): ${stderr}`));
      });
    });
    await exited;

    const cache = FeatureCache.open(dir);
    const checked = checkAllEntries(cache);
    expect(checked).toBeGreaterThanOrEqual(lastCommitted + 1); // nothing reported committed is lost
    for (let i = 0; i <= lastCommitted; i++) expect(cache.has(syntheticKey(i))).toBe(true);
    await cache.close();

    // The rerun finds the committed entries and writes only the rest.
    const rerun = JSON.parse(await finish(runChild(dir, ['range', '0', String(checked + 50)])));
    expect(rerun).toEqual({ written: 50, skipped: checked });
  });

  it('two processes writing overlapping keys at once both succeed, nothing corrupt', async () => {
    const dir = freshDir();
    const [a, b] = await Promise.all([
      finish(runChild(dir, ['range', '0', '600'])),
      finish(runChild(dir, ['range', '300', '900'])),
    ]);
    const summaries = [JSON.parse(a), JSON.parse(b)] as { written: number; skipped: number }[];
    expect(summaries[0]!.written + summaries[0]!.skipped).toBe(600);
    expect(summaries[1]!.written + summaries[1]!.skipped).toBe(600);
    const cache = FeatureCache.open(dir);
    expect(cache.count()).toBe(900);
    expect(checkAllEntries(cache)).toBe(900);
    await cache.close();
  });

  it('four fresh processes committing one entry at a time lose none of them', async () => {
    // lmdb-js's asynchronous writer lost commits here in about one round in five (a process's
    // early commits, while the others were starting): a fresh cache each round.
    const processes = 4;
    const each = 60;
    for (let round = 0; round < 12; round++) {
      const dir = freshDir();
      const ranges = Array.from({ length: processes }, (_, p) => [String(p * each), String((p + 1) * each)]);
      const summaries = await Promise.all(ranges.map((range) => finish(runChild(dir, ['each', ...range]))));
      expect(summaries.map((summary) => JSON.parse(summary) as unknown)).toEqual(ranges.map(() => ({ written: each, skipped: 0 })));
      const cache = FeatureCache.open(dir);
      expect(checkAllEntries(cache), `round ${round}`).toBe(processes * each);
      await cache.close();
    }
  });

  it('processes opening and closing the cache while another commits: every commit stays', async () => {
    // Unguarded, an lmdb open during a commit reset the shared transaction id to the meta it had
    // read (the next commit then overwrote the one in between), or failed the opener.
    const dir = freshDir();
    await FeatureCache.open(dir).close();
    const [written] = await Promise.all([
      finish(runChild(dir, ['each', '0', '1200'])),
      finish(runChild(dir, ['reopen', '250'])),
      finish(runChild(dir, ['reopen', '250'])),
    ]);
    expect(JSON.parse(written)).toEqual({ written: 1200, skipped: 0 });
    const cache = FeatureCache.open(dir);
    expect(checkAllEntries(cache)).toBe(1200);
    await cache.close();
  });

  it('with claims, two processes split overlapping work: each entry computed exactly once', async () => {
    const dir = freshDir();
    const [a, b] = await Promise.all([
      finish(runChild(dir, ['claim', '0', '600'])),
      finish(runChild(dir, ['claim', '300', '900'])),
    ]);
    const results = [JSON.parse(a), JSON.parse(b)] as { computed: number; cached: number; computedElsewhere: number }[];
    for (const result of results) expect(result.computed + result.cached + result.computedElsewhere).toBe(600);
    expect(results[0]!.computed + results[1]!.computed).toBe(900);
    const cache = FeatureCache.open(dir);
    expect(checkAllEntries(cache)).toBe(900);
    await cache.close();
  });

  it('takes over the claims of a killed process at once', async () => {
    const dir = freshDir();
    // A child that claims entries 0..99, then hangs until killed.
    const child = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `const { FeatureCache } = await import(${JSON.stringify(distEntry)});
       const cache = FeatureCache.open(${JSON.stringify(dir)});
       const mine = await cache.claim(Array.from({ length: 100 }, (_, i) => 'entry-' + String(i).padStart(6, '0')));
       process.stdout.write(mine.length + '\\n');
       setInterval(() => {}, 1000);`,
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    const claimed = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk) => resolve(String(chunk).trim())));
    expect(claimed).toBe('100');
    const cache = FeatureCache.open(dir);
    expect(await cache.claim([syntheticKey(5), syntheticKey(150)])).toEqual([syntheticKey(150)]); // 5 is held by a live process
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await cache.claim([syntheticKey(5)])).toEqual([syntheticKey(5)]);
    await cache.close();
  });
});
