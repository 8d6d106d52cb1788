import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CACHE_FILE,
  decodeShape,
  FeatureCache,
  cacheBatchSource,
  cacheInfo,
  cachePrune,
  encodeTensor,
  featureKey,
  featureKeyer,
  hashBytes,
  parseByteSize,
  parseDuration,
} from '../src/cache/index.js';
import { syntheticKey, syntheticTensor, tempDir } from './cache.helpers.js';

const dirs: string[] = [];
function freshDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('featureKey', () => {
  const audio = new Uint8Array(4096).map((_, i) => (i * 31) % 251);
  const base = {
    audioHash: hashBytes(audio),
    decode: { sr: 22050, mono: true, quality: 'soxr_hq' },
    features: { kind: 'melspectrogram', nMels: 128, nFft: 2048, hopLength: 512, toDb: { ref: 'max' } },
    codeVersion: 'features-mel@0.1.0',
  };

  it('is a stable hex hash, independent of key order', () => {
    const reordered = {
      codeVersion: base.codeVersion,
      features: { toDb: { ref: 'max' }, hopLength: 512, nFft: 2048, nMels: 128, kind: 'melspectrogram' },
      decode: { quality: 'soxr_hq', mono: true, sr: 22050 },
      audioHash: base.audioHash,
    };
    expect(featureKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(featureKey(reordered)).toBe(featureKey(base));
    expect(featureKeyer(reordered)(base.audioHash)).toBe(featureKey(base));
  });

  it('changes with any decode or feature parameter, nested ones too, and the code version', () => {
    const keys = new Set([
      featureKey(base),
      featureKey({ ...base, decode: { ...base.decode, sr: 16000 } }),
      featureKey({ ...base, decode: { ...base.decode, mono: false } }),
      featureKey({ ...base, features: { ...base.features, nMels: 64 } }),
      featureKey({ ...base, features: { ...base.features, hopLength: 256 } }),
      featureKey({ ...base, features: { ...base.features, toDb: { ref: 1 } } }),
      featureKey({ ...base, codeVersion: 'features-mel@0.1.1' }),
    ]);
    expect(keys.size).toBe(7);
  });

  it('follows the audio content, not the file name', () => {
    // The same bytes read from two names hash alike; one changed sample changes the key.
    const renamedCopy = new Uint8Array(audio);
    expect(featureKey({ ...base, audioHash: hashBytes(renamedCopy) })).toBe(featureKey(base));
    renamedCopy[100] ^= 1;
    expect(featureKey({ ...base, audioHash: hashBytes(renamedCopy) })).not.toBe(featureKey(base));
  });

  it('rejects a non-hash audioHash and non-finite parameters', () => {
    expect(() => featureKey({ ...base, audioHash: 'clip.wav' })).toThrow(/audioHash/);
    expect(() => featureKey({ ...base, features: { fmax: Number.NaN } })).toThrow(/finite/);
  });
});

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

describe('cachePrune', () => {
  async function cacheWithAges(dir: string, agesMs: number[]): Promise<void> {
    const cache = FeatureCache.open(dir);
    const now = Date.now();
    for (const [i, age] of agesMs.entries()) {
      const realNow = Date.now;
      Date.now = () => now - age; // the access time is taken at put
      try {
        await cache.put(syntheticKey(i), syntheticTensor(i));
      } finally {
        Date.now = realNow;
      }
    }
    await cache.close();
  }
  const day = 86_400_000;

  it('removes entries unused for longer than --older-than', async () => {
    const dir = freshDir();
    await cacheWithAges(dir, [10 * day, 1 * day, 8 * day, 0]);
    expect(await cachePrune(dir, { olderThanMs: parseDuration('7d') })).toMatch(/^pruned 2 entries .* 2 entries/);
    const cache = FeatureCache.open(dir);
    expect([0, 1, 2, 3].map((i) => cache.has(syntheticKey(i)))).toEqual([false, true, false, true]);
    await cache.close();
  });

  it('removes least recently used entries down to --max-size, and a get refreshes an entry', async () => {
    const dir = freshDir();
    await cacheWithAges(dir, [4 * day, 3 * day, 2 * day, 1 * day]);
    const touched = FeatureCache.open(dir);
    expect(touched.get(syntheticKey(0))).toBeDefined(); // entry 0 is now the most recent
    await touched.close();

    const entryBytes = encodeTensor(syntheticTensor(0)).length;
    const report = await cachePrune(dir, { maxBytes: 2 * entryBytes });
    expect(report).toMatch(/^pruned 2 entries/);
    const cache = FeatureCache.open(dir);
    expect([0, 1, 2, 3].map((i) => cache.has(syntheticKey(i)))).toEqual([true, false, false, true]);
    await cache.close();
  });

  it('needs a rule', async () => {
    await expect(cachePrune(freshDir(), {})).rejects.toThrow(/--older-than/);
  });
});

describe('cacheBatchSource', () => {
  const shape: [number, number] = [16, 8];
  async function filled(n: number): Promise<{ cache: FeatureCache; keys: string[]; labels: Int32Array }> {
    const cache = FeatureCache.open(freshDir());
    const keys = Array.from({ length: n }, (_, i) => syntheticKey(i));
    await Promise.all(keys.map((key, i) => cache.put(key, syntheticTensor(i, shape))));
    return { cache, keys, labels: Int32Array.from(keys, (_, i) => i % 3) };
  }

  for (const inMemory of [false, true]) {
    it(`reads batches in index order (${inMemory ? 'in memory' : 'streaming'})`, async () => {
      const { cache, keys, labels } = await filled(50);
      const source = cacheBatchSource(cache, keys, labels, shape, { inMemory });
      expect(source.size).toBe(50);
      expect(source.sampleShape).toEqual(shape);
      expect(source.labels).toBe(labels);
      const indices = [42, 3, 3, 17];
      const batch = await source.read(indices);
      expect(batch.length).toBe(indices.length * 128);
      indices.forEach((index, slot) => {
        expect(batch.subarray(slot * 128, (slot + 1) * 128)).toEqual(syntheticTensor(index, shape).data);
      });
      expect(() => source.read([50])).toThrow(/outside 0..49/);
      await cache.close();
    });
  }

  it('reopens the memory map while streaming, keeping reads correct and put usable', async () => {
    const { cache, keys, labels } = await filled(40);
    // A remap every ~2 samples: each read that crosses the threshold returns a promise.
    const source = cacheBatchSource(cache, keys, labels, shape, { releaseMappedEveryBytes: 1000 });
    let promised = 0;
    for (let start = 0; start < 40; start += 5) {
      const indices = [start, start + 1, start + 2, start + 3, start + 4];
      const result = source.read(indices);
      if (result instanceof Promise) {
        promised++;
        // Reading ahead while the map reopens waits rather than failing; put waits too.
        const [batch, ahead] = await Promise.all([result, source.read([39 - start]), cache.put('extra', syntheticTensor(99, shape))]);
        expect(ahead).toEqual(syntheticTensor(39 - start, shape).data);
        indices.forEach((index, slot) => expect(batch.subarray(slot * 128, (slot + 1) * 128)).toEqual(syntheticTensor(index, shape).data));
      } else {
        indices.forEach((index, slot) => expect(result.subarray(slot * 128, (slot + 1) * 128)).toEqual(syntheticTensor(index, shape).data));
      }
    }
    expect(promised).toBe(8);
    expect(cache.get('extra')!.data).toEqual(syntheticTensor(99, shape).data);
    await cache.close();
  });

  it('names the entry when one is missing or has another shape', async () => {
    const { cache, keys, labels } = await filled(4);
    await cache.put(keys[2]!, syntheticTensor(2, [8, 8]));
    await cache.remove([keys[1]!]);
    const source = cacheBatchSource(cache, keys, labels, shape);
    expect(() => source.read([1])).toThrow(`entry ${keys[1]} (sample 1) is missing`);
    expect(() => source.read([2])).toThrow(/has shape \[8, 8\], expected \[16, 8\]/);
    expect(() => cacheBatchSource(cache, keys, labels, shape, { inMemory: true })).toThrow(/sample 1/);
    await cache.close();
  });
});

describe('units', () => {
  it('parses durations and sizes', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseByteSize('2GB')).toBe(2e9);
    expect(parseByteSize('1.5 GiB')).toBe(1.5 * 2 ** 30);
    expect(parseByteSize('500mb')).toBe(5e8);
    expect(parseByteSize('1024')).toBe(1024);
    expect(() => parseDuration('7 fortnights')).toThrow(/bad duration "7 fortnights"/);
    expect(() => parseByteSize('big')).toThrow(/bad size "big"/);
  });
});
