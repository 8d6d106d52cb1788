import { describe, expect, it } from 'vitest';
import { fixLength } from '../src/index.js';

/** A seeded uniform [0, 1) stream for the tests (a 32-bit LCG): same seed, same crops. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

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
    const a = fixLength(long, 10, { crop: 'random', random: seeded(7) });
    const b = fixLength(long, 10, { crop: 'random', random: seeded(7) });
    expect(arr(a)).toEqual(arr(b));
    const starts = new Set<number>();
    const rng = seeded(1);
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
