import { describe, expect, it } from 'vitest';
import { resample } from '../src/index.js';
import { sine } from './helpers.js';

const rms = (a: Float32Array, from = 0, to = a.length) => Math.sqrt(a.subarray(from, to).reduce((s, v) => s + v * v, 0) / (to - from));

describe('resample', () => {
  it('has librosa fix=True length ceil(n·to/from) for up- and down-sampling', () => {
    for (const [n, from, to] of [[2384, 8000, 22050], [66150, 44100, 22050], [1001, 48000, 22050], [7, 16000, 22050]] as const) {
      expect(resample(new Float32Array(n), from, to)).toHaveLength(Math.ceil((n * to) / from));
    }
  });

  it('is stateless: the same input gives the same output on every call, whatever came before', () => {
    const x = sine(3000, 8000, 440);
    const first = resample(x, 8000, 22050);
    resample(sine(777, 8000, 1234), 8000, 22050);
    expect(Array.from(resample(x, 8000, 22050))).toEqual(Array.from(first));
  });

  it('keeps a passband tone in phase (no delay) and removes a tone above the new Nyquist', () => {
    const y = resample(sine(44100, 44100, 1000, 0.5), 44100, 22050);
    const expected = sine(22050, 22050, 1000, 0.5);
    let err = 0;
    for (let i = 500; i < 21500; i++) err = Math.max(err, Math.abs(y[i]! - expected[i]!));
    expect(err).toBeLessThan(1e-3);
    const alias = resample(sine(44100, 44100, 15000, 0.5), 44100, 22050);
    expect(rms(alias, 500, 21500)).toBeLessThan(1e-3); // ≥ 54 dB below the 0.35 rms input
  });

  it('returns a copy at equal rates and rejects bad rates and qualities', () => {
    const x = new Float32Array([1, 2]);
    expect(resample(x, 8000, 8000)).not.toBe(x);
    expect(() => resample(x, 0, 8000)).toThrow(/positive integers/);
    expect(() => resample(x, 8000, 22050.5)).toThrow(/positive integers/);
    // @ts-expect-error invalid on purpose
    expect(() => resample(x, 8000, 22050, 'best')).toThrow(/unknown quality 'best'/);
  });
});
