import { describe, expect, it } from 'vitest';
import { createRng, fixLength } from '../src/index.js';

const y = new Float32Array([1, 2, 3, 4]);
const arr = (a: Float32Array) => Array.from(a);

describe('fixLength (as librosa.util.fix_length, padding at the end)', () => {
  it('pads with zeros by default and crops from the start', () => {
    expect(arr(fixLength(y, 6))).toEqual([1, 2, 3, 4, 0, 0]);
    expect(arr(fixLength(y, 2))).toEqual([1, 2]);
    expect(arr(fixLength(y, 4))).toEqual([1, 2, 3, 4]);
    expect(fixLength(y, 4)).not.toBe(y); // always a copy
  });

  it('wrap repeats the clip; reflect mirrors it like numpy.pad(mode="reflect"), bouncing as often as needed', () => {
    expect(arr(fixLength(y, 10, { pad: 'wrap' }))).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2]);
    expect(arr(fixLength(new Float32Array([1, 2, 3]), 9, { pad: 'reflect' }))).toEqual([1, 2, 3, 2, 1, 2, 3, 2, 1]);
    expect(arr(fixLength(new Float32Array([5]), 3, { pad: 'reflect' }))).toEqual([5, 5, 5]);
    expect(arr(fixLength(new Float32Array(0), 2, { pad: 'wrap' }))).toEqual([0, 0]);
  });

  it('center crop keeps the middle; random crop is seeded and stays in range', () => {
    expect(arr(fixLength(new Float32Array([1, 2, 3, 4, 5]), 3, { crop: 'center' }))).toEqual([2, 3, 4]);
    const long = Float32Array.from({ length: 100 }, (_, i) => i);
    const a = fixLength(long, 10, { crop: 'random', random: createRng(7) });
    const b = fixLength(long, 10, { crop: 'random', random: createRng(7) });
    expect(arr(a)).toEqual(arr(b));
    const starts = new Set<number>();
    const rng = createRng(1);
    for (let i = 0; i < 200; i++) {
      const c = fixLength(long, 10, { crop: 'random', random: rng });
      expect(c[9]! - c[0]!).toBe(9);
      starts.add(c[0]!);
    }
    expect(Math.min(...starts)).toBe(0);
    expect(Math.max(...starts)).toBe(90);
    expect(() => fixLength(long, 10, { crop: 'random' })).toThrow(/seeded `random`/);
  });
});

describe('createRng', () => {
  it('is deterministic per seed, differs across seeds, and is uniform in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(c()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
});
