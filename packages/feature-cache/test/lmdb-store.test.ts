import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { CACHE_FILE, decodeShape, FeatureCache, cacheInfo, encodeTensor, hashBytes } from '../src/index.js';
import { freshDirs, syntheticKey, syntheticTensor } from './helpers.js';

const freshDir = freshDirs();

describe('FeatureCache', () => {
  it('round-trips float32 tensors with their shape, across reopen', async () => {
    const dir = freshDir();
    const cache = FeatureCache.open(dir);
    const tensor = syntheticTensor(7, [128, 44]);
    tensor.data[0] = -0; // exact bits survive, not just values
    tensor.data[1] = Number.MIN_VALUE;
    expect(cache.has('k')).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    await cache.put('k', tensor);
    expect(cache.has('k')).toBe(true);
    await cache.close();

    const reopened = FeatureCache.open(dir);
    const read = reopened.get('k')!;
    expect(read.shape).toEqual([128, 44]);
    expect(new Uint32Array(read.data.buffer)).toEqual(new Uint32Array(tensor.data.buffer));
    expect(reopened.counters).toMatchObject({ hits: 1, misses: 0, corrupt: 0 });
    expect(reopened.count()).toBe(1);
    await reopened.close();
  });

  it('knownShape indexes entries stored without an index record (older caches) after verifying them', async () => {
    const dir = freshDir();
    const tensor = syntheticTensor(3, [12, 5]);
    const raw = open({ path: join(dir, CACHE_FILE), maxDbs: 8 });
    const values = raw.openDB<Buffer, string>({ name: 'values', encoding: 'binary' });
    await values.put('old', encodeTensor(tensor));
    await values.put('old-bad', Buffer.from('not a tensor'));
    await raw.close();

    const cache = FeatureCache.open(dir);
    expect(cache.knownShape('old')).toEqual([12, 5]);
    expect(cache.knownShape('old-bad')).toBeUndefined();
    expect(cache.counters.corrupt).toBe(1);
    expect(cache.knownShape('absent')).toBeUndefined();
    await cache.close();
    const shapes = open({ path: join(dir, CACHE_FILE), maxDbs: 8 }).openDB<Buffer, string>({ name: 'shapes', encoding: 'binary' });
    expect(decodeShape(shapes.getBinary('old'))).toEqual([12, 5]);
    const damaged = Buffer.from(shapes.getBinary('old')!);
    damaged[0] ^= 1;
    expect(decodeShape(damaged)).toBeUndefined(); // a damaged record reads as absent: the value is verified instead
    expect(shapes.doesExist('old-bad')).toBe(false);
  });

  it('rejects data that does not match its shape', async () => {
    const cache = FeatureCache.open(freshDir());
    expect(() => cache.put('k', { data: new Float32Array(10), shape: [3, 3] })).toThrow(/holds 9 values but data has 10/);
    await cache.close();
  });

  for (const [where, offsetInValue] of [
    ['payload', 24 + 200],
    ['shape header', 12],
  ] as const) {
    it(`reads an entry with a flipped byte in its ${where} as missing, counts and removes it`, async () => {
      const dir = freshDir();
      const cache = FeatureCache.open(dir);
      const good = syntheticTensor(1);
      const bad = syntheticTensor(2);
      await cache.put('good', good);
      await cache.put('bad', bad);
      await cache.close();

      // Corrupt the stored value in the lmdb file itself.
      const file = join(dir, CACHE_FILE);
      const bytes = readFileSync(file);
      const at = bytes.indexOf(encodeTensor(bad));
      expect(at).toBeGreaterThan(0);
      bytes[at + offsetInValue] ^= 0x10;
      writeFileSync(file, bytes);

      const reopened = FeatureCache.open(dir);
      // The warm check reads only the shape index; both tensor reads verify the checksum.
      expect(reopened.knownShape('good')).toEqual(good.shape);
      expect(reopened.knownShape('bad')).toEqual(bad.shape);
      if (where === 'payload') expect(reopened.get('bad')).toBeUndefined();
      else expect(reopened.readInto('bad', new Uint8Array(4 * bad.data.length))).toBe('corrupt');
      expect(reopened.counters.corrupt).toBe(1);
      expect(reopened.get('good')!.data).toEqual(good.data);
      await reopened.flush();
      expect(reopened.has('bad')).toBe(false); // removed, so the pipeline recomputes it
      expect(reopened.knownShape('bad')).toBeUndefined(); // its index record went with it
      await reopened.put('bad', bad);
      expect(reopened.get('bad')!.data).toEqual(bad.data);
      await reopened.close();
    });
  }

  it('remembers file hashes, and hashes again when a file changes', async () => {
    const dir = freshDir();
    const cache = FeatureCache.open(dir);
    const file = join(dir, 'a.wav');
    const bytes = new Uint8Array(2048).map((_, i) => i % 256);
    writeFileSync(file, bytes);
    expect(cache.fileHash(file)).toBe(hashBytes(bytes));
    expect(cache.fileHash(file)).toBe(hashBytes(bytes));
    bytes[7] ^= 0xff; // same size, new content and mtime
    await new Promise((resolve) => setTimeout(resolve, 5));
    writeFileSync(file, bytes);
    expect(cache.fileHash(file)).toBe(hashBytes(bytes));
    renameSync(file, join(dir, 'b.wav'));
    expect(cache.fileHash(join(dir, 'b.wav'))).toBe(hashBytes(bytes));
    await cache.close();
  });

  it('records the last run for cache info', async () => {
    const dir = freshDir();
    const cache = FeatureCache.open(dir);
    await Promise.all([0, 1, 2].map((i) => cache.put(syntheticKey(i), syntheticTensor(i))));
    await cache.recordRun({ hits: 3, misses: 1, experiment: 'fsdd' });
    await cache.close();
    const info = await cacheInfo(dir);
    expect(info).toMatch(/entries:\s+3\n/);
    expect(info).toMatch(/size on disk: [\d.]+ (KB|MB)/);
    expect(info).toContain('last run:     fsdd');
    expect(info).toContain('3 hits, 1 misses, hit rate 75.0%');
    expect(await cacheInfo(join(dir, 'nowhere'))).toMatch(/empty/);
  });
});
