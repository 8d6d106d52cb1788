// Damaged lmdb files, made by this store and then attacked: found before they are mapped, moved
// aside once (also by several processes at once), verified and repaired entry by entry.
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CACHE_FILE, CacheDiskFullError, FeatureCache, cacheInfo, cacheRepair, cacheVerify, encodeTensor, hashBytes } from '../src/index.js';
import { checkLmdbHeader } from '../src/lmdb-header.js';
import { checkLmdbTrees } from '../src/lmdb-walk.js';
import { freshDirs, syntheticTensor } from './helpers.js';

const freshDir = freshDirs();
const childScript = fileURLToPath(new URL('./child.mjs', import.meta.url));
const keyOf = (i: number) => hashBytes(Uint8Array.of(i, i >> 8));

/** A cache of `n` entries (45 KB each, like a 128 × 87 mel), closed. */
async function filledCache(n: number): Promise<string> {
  const dir = freshDir();
  const cache = FeatureCache.open(dir);
  for (let i = 0; i < n; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, n - i) }, (_, j) => cache.put(keyOf(i + j), syntheticTensor(i + j, [128, 87]))));
  }
  await cache.close();
  return dir;
}

function scribble(file: string, bytes: number, seed: number): void {
  const junk = Buffer.alloc(bytes);
  let state = seed;
  for (let i = 0; i < bytes; i++) junk[i] = (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24;
  const fd = openSync(file, 'r+');
  writeSync(fd, junk, 0, bytes, Math.floor(statSync(file).size / 2) - bytes / 2);
  closeSync(fd);
}

function damagedDirs(dir: string): string[] {
  return readdirSync(dirname(dir)).filter((name) => name.startsWith(`${basename(dir)}.damaged-`));
}

describe('lmdb integrity checks on files this store wrote', () => {
  it('finds a sound file sound, and reads its meta pages', async () => {
    const dir = await filledCache(100);
    const file = join(dir, CACHE_FILE);
    const header = checkLmdbHeader(file);
    expect(header.ok).toBe(true);
    if (!header.ok) return;
    expect(header.meta.pageSize).toBe(4096);
    expect(BigInt(header.fileBytes)).toBeGreaterThanOrEqual((header.meta.lastPage + 1n) * 4096n);
    expect(checkLmdbTrees(file)).toBeUndefined();
  });

  it('calls zero-length, short, bad-magic and truncated files damaged without mapping them', async () => {
    const dir = await filledCache(100);
    const file = join(dir, CACHE_FILE);
    const sound = readFileSync(file);
    const damageOf = (bytes: Buffer) => {
      writeFileSync(file, bytes);
      const check = checkLmdbHeader(file);
      return check.ok ? 'ok' : check.damage;
    };
    expect(damageOf(Buffer.alloc(0))).toBe('zero-length file');
    expect(damageOf(sound.subarray(0, 100))).toMatch(/shorter than an lmdb header/);
    expect(damageOf(sound.subarray(0, 5000))).toMatch(/shorter than its two 4096-byte meta pages/);
    const badMagic = Buffer.from(sound);
    badMagic[4096 + 24] ^= 0xff; // meta 1's magic: lmdb would pick it by txnid without checking
    expect(damageOf(badMagic)).toMatch(/meta page 1 has a bad magic number/);
    expect(damageOf(sound.subarray(0, sound.length - 4096))).toMatch(/^truncated: /);
    expect(damageOf(sound)).toBe('ok');
  });

  it('finds 64 KB of random bytes anywhere in the middle third by walking the trees', async () => {
    const dir = await filledCache(200);
    const file = join(dir, CACHE_FILE);
    const sound = readFileSync(file);
    let found = 0;
    for (let seed = 1; seed <= 6; seed++) {
      writeFileSync(file, sound);
      const fd = openSync(file, 'r+');
      const junk = Buffer.alloc(65536).map((_, i) => (seed * 7919 + i * 31) & 0xff);
      writeSync(fd, junk, 0, junk.length, Math.floor((sound.length * (2 + seed / 3)) / 6));
      closeSync(fd);
      if (checkLmdbTrees(file) !== undefined) found++;
    }
    // Junk over tensor data only is left to each entry's CRC; junk over a tree page is found here.
    expect(found).toBeGreaterThan(0);
  });
});

describe('a damaged cache is moved aside, not served', () => {
  for (const [name, attack] of [
    ['truncated', (file: string) => truncateSync(file, Math.floor(statSync(file).size / 2))],
    ['scribbled', (file: string) => scribble(file, 2 ** 20, 7)],
    ['zero-length', (file: string) => writeFileSync(file, '')],
  ] as const) {
    it(`${name}: open moves it to <dir>.damaged-<time>, says so once, and goes on with a fresh cache`, async () => {
      const dir = await filledCache(120);
      attack(join(dir, CACHE_FILE));
      expect(await cacheInfo(dir)).toMatch(new RegExp(`^cache .+: damaged \\(`)); // reported, not mapped
      const notices: string[] = [];
      const cache = FeatureCache.open(dir, { onDamaged: (message) => notices.push(message) });
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(`cache ${dir}: damaged (`);
      expect(notices[0]).toContain(`moved it aside to ${dir}.damaged-`);
      expect(damagedDirs(dir)).toHaveLength(1);
      expect(cache.count()).toBe(0);
      await cache.put(keyOf(1), syntheticTensor(1, [128, 87]));
      expect(cache.get(keyOf(1))!.data).toEqual(syntheticTensor(1, [128, 87]).data);
      await cache.close();
    });
  }

  it('three processes opening one truncated cache at once: moved aside once, all write and read back', async () => {
    const dir = await filledCache(120);
    truncateSync(join(dir, CACHE_FILE), Math.floor(statSync(join(dir, CACHE_FILE)).size / 2));
    const outputs = await Promise.all(
      [['0', '300'], ['100', '400'], ['200', '500']].map(
        ([from, to]) =>
          new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, [childScript, dir, 'range', from!, to!], { stdio: ['ignore', 'pipe', 'pipe'] });
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (chunk) => (stdout += chunk));
            child.stderr.on('data', (chunk) => (stderr += chunk));
            child.on('exit', (code) => resolve({ code, stdout, stderr }));
          }),
      ),
    );
    for (const output of outputs) expect(output.code, output.stderr).toBe(0);
    expect(damagedDirs(dir)).toHaveLength(1);
    expect(outputs.filter((o) => o.stderr.includes('moved it aside to'))).toHaveLength(1);
    const cache = FeatureCache.open(dir);
    expect(cache.count()).toBe(500);
    for (let i = 0; i < 500; i += 37) expect(cache.get(`entry-${String(i).padStart(6, '0')}`)).toBeDefined();
    expect(cache.counters.corrupt).toBe(0);
    await cache.close();
  });
});

/** The lmdb handles inside a FeatureCache, to inject the errors lmdb throws (they are replaced when it reopens). */
interface Internals {
  values: { getBinaryFast(key: string): Buffer | undefined };
  env: { transactionSync(callback: () => unknown): unknown };
}

describe('lmdb errors in the middle of a run (injected: lmdb reports them this way, see README)', () => {
  it('MDB_CORRUPTED on a read: reads as missing, the file is moved aside once, the next put lands in a fresh cache', async () => {
    const dir = await filledCache(10);
    const notices: string[] = [];
    const cache = FeatureCache.open(dir, { onDamaged: (message) => notices.push(message) });
    (cache as unknown as Internals).values.getBinaryFast = () => {
      throw new Error('MDB_CORRUPTED: Located page was wrong type');
    };
    expect(cache.get(keyOf(1))).toBeUndefined();
    expect(cache.has(keyOf(2))).toBe(false);
    await cache.put(keyOf(1), syntheticTensor(1, [128, 87])); // waits for the fresh cache
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^cache ${dir}: damaged \\(MDB_CORRUPTED: Located page was wrong type\\); moved it aside to `))]);
    expect(damagedDirs(dir)).toHaveLength(1);
    expect(cache.count()).toBe(1);
    expect(cache.get(keyOf(1))!.data).toEqual(syntheticTensor(1, [128, 87]).data);
    await cache.close();
  });

  it('a commit failed with MDB_PROBLEM: moved aside, the put is done again in the fresh cache', async () => {
    const dir = await filledCache(10);
    const notices: string[] = [];
    const cache = FeatureCache.open(dir, { onDamaged: (message) => notices.push(message) });
    (cache as unknown as Internals).env.transactionSync = () => {
      throw new Error('MDB_PROBLEM: Unexpected problem - txn should abort');
    };
    await cache.put(keyOf(3), syntheticTensor(3, [128, 87]));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('damaged (MDB_PROBLEM');
    expect(damagedDirs(dir)).toHaveLength(1);
    expect(cache.count()).toBe(1);
    await cache.close();
  });

  it('an I/O error on commit is a full disk, not damage: CacheDiskFullError, nothing moved, committed entries kept', async () => {
    const dir = await filledCache(10);
    const cache = FeatureCache.open(dir, { onDamaged: () => expect.fail('a full disk is not damage') });
    (cache as unknown as Internals).env.transactionSync = () => {
      throw Object.assign(new Error('Input/output error'), { code: 5 });
    };
    const error = await cache.put(keyOf(11), syntheticTensor(11, [128, 87])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheDiskFullError);
    expect(error).toMatchObject({ dir, neededBytes: expect.any(Number) as number, freeBytes: expect.any(Number) as number });
    expect((error as Error).message).toMatch(new RegExp(`^cache ${dir}: disk full: needed ~[\\d.]+ MB, [\\d.]+ MB free; free space or set cache.dir`));
    await cache.close();
    expect(damagedDirs(dir)).toHaveLength(0);
    const reopened = FeatureCache.open(dir);
    expect(reopened.count()).toBe(10);
    await reopened.close();
  });
});

describe('cache verify and cache repair', () => {
  it('verify names each bad entry; repair drops them and re-indexes; verify is then clean', async () => {
    const dir = await filledCache(20);
    const cache = FeatureCache.open(dir);
    await cache.put('not-a-feature-key', syntheticTensor(99, [4, 4]));
    await cache.close();
    const file = join(dir, CACHE_FILE);
    const bytes = readFileSync(file);
    const at = bytes.indexOf(encodeTensor(syntheticTensor(5, [128, 87])));
    expect(at).toBeGreaterThan(0);
    bytes[at + 1000] ^= 0x40;
    writeFileSync(file, bytes);

    const report = await cacheVerify(dir);
    expect(report.damage).toBeUndefined();
    expect(report.entries).toBe(21);
    expect(report.ok).toBe(19);
    expect(report.bad.map((b) => b.key).sort()).toEqual([keyOf(5), 'not-a-feature-key'].sort());
    expect(report.bad.find((b) => b.key === keyOf(5))!.problem).toMatch(/checksum/);

    expect(await cacheRepair(dir)).toMatch(/dropped 2 bad entries/);
    const after = await cacheVerify(dir);
    expect(after).toMatchObject({ entries: 19, ok: 19, bad: [] });
  });

  it('verify reports a damaged environment; repair moves it aside', async () => {
    const dir = await filledCache(40);
    truncateSync(join(dir, CACHE_FILE), 3 * 4096);
    expect((await cacheVerify(dir)).damage).toMatch(/^truncated/);
    const repaired = await cacheRepair(dir);
    expect(repaired).toMatch(new RegExp(`damaged \\(truncated.*moved it aside to`));
    expect(damagedDirs(dir)).toHaveLength(1);
    expect(await cacheVerify(dir)).toMatchObject({ entries: 0, bad: [] });
  });
});
