import { describe, expect, it } from 'vitest';
import { FeatureCache, cachePrune, encodeTensor, parseDuration } from '../src/index.js';
import { freshDirs, syntheticKey, syntheticTensor } from './helpers.js';

const freshDir = freshDirs();

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
