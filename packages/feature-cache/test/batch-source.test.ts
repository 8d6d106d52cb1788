import { describe, expect, it } from 'vitest';
import { FeatureCache, cacheBatchSource } from '../src/index.js';
import { freshDirs, syntheticKey, syntheticTensor } from './helpers.js';

const freshDir = freshDirs();

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
