import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureCache, exportNpz } from '../src/index.js';
import { freshDirs, syntheticKey, syntheticTensor } from './helpers.js';

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const freshDir = freshDirs();

async function cacheWith(n: number, shape: [number, number]): Promise<string> {
  const dir = freshDir();
  const cache = FeatureCache.open(dir);
  await Promise.all(Array.from({ length: n }, (_, i) => cache.put(syntheticKey(i), syntheticTensor(i, shape))));
  await cache.close();
  return dir;
}

const entries = [
  { key: syntheticKey(0), label: 'rain', path: 'rain/0.wav', split: 'train' },
  { key: syntheticKey(1), label: 'bird', path: 'bird/ü-1.wav', split: 'test' },
  { key: syntheticKey(2), label: 'car', path: 'car/2.wav', split: 'train' },
  { key: syntheticKey(3), label: 'bird', path: 'bird/3.wav', split: 'validation' },
];

describe.skipIf(!hasNumpy())('exportNpz (checked with numpy)', () => {
  it('writes X, y, labels, paths and split that numpy.load reads back exactly', async () => {
    const shape: [number, number] = [12, 5];
    const dir = await cacheWith(4, shape);
    const out = join(dir, 'features.npz');
    await exportNpz(dir, entries, out);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const script = `
import json, sys, numpy as np
z = np.load(sys.argv[1])  # allow_pickle stays False: every array is plain
print(json.dumps({
  "files": sorted(z.files),
  "X_dtype": str(z["X"].dtype), "X_shape": list(z["X"].shape), "X": z["X"].ravel().tolist(),
  "y_dtype": str(z["y"].dtype), "y": z["y"].tolist(),
  "labels": z["labels"].tolist(), "paths": z["paths"].tolist(), "split": z["split"].tolist(),
}))`;
    const read = JSON.parse(execFileSync('python3', ['-c', script, out], { encoding: 'utf8' }));
    expect(read.files).toEqual(['X', 'labels', 'paths', 'split', 'y']);
    expect(read.X_dtype).toBe('float32');
    expect(read.X_shape).toEqual([4, 12, 5]);
    const expectedX = new Float32Array(4 * 60);
    entries.forEach((_, i) => expectedX.set(syntheticTensor(i, shape).data, i * 60));
    expect(Float32Array.from(read.X)).toEqual(expectedX);
    expect(read.y_dtype).toBe('int64');
    expect(read.labels).toEqual(['bird', 'car', 'rain']);
    expect(read.y).toEqual([2, 0, 1, 0]);
    expect(read.paths).toEqual(entries.map((e) => e.path));
    expect(read.split).toEqual(['train', 'test', 'train', 'validation']);
  });

  it('follows a given label order', async () => {
    const dir = await cacheWith(4, [3, 2]);
    const out = join(dir, 'ordered.npz');
    await exportNpz(dir, entries, out, { labels: ['rain', 'car', 'bird'] });
    const y = execFileSync('python3', ['-c', 'import sys, numpy as np; print(np.load(sys.argv[1])["y"].tolist())', out], {
      encoding: 'utf8',
    });
    expect(y.trim()).toBe('[0, 2, 1, 2]');
  });
});

describe('exportNpz errors', () => {
  it('names the missing entry and leaves no file behind', async () => {
    const dir = await cacheWith(2, [3, 2]);
    const out = join(dir, 'broken.npz');
    await expect(exportNpz(dir, entries, out)).rejects.toThrow(`car/2.wav (key ${syntheticKey(2)}) is missing in the cache`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects a label outside the given list', async () => {
    const dir = await cacheWith(4, [3, 2]);
    await expect(exportNpz(dir, entries, join(dir, 'x.npz'), { labels: ['bird'] })).rejects.toThrow(/label "rain" of rain\/0.wav/);
  });
});
