import { describe, expect, it } from 'vitest';
import {
  amplitudeToDb,
  magnitudeSpectrogram,
  type Matrix,
  melFilterbank,
  melSpectrogram,
  powerSpectrogram,
  powerToDb,
} from '../src/index.js';
import { maxAbsDiff } from './reference.js';

const row = (...v: number[]): Matrix => ({ data: Float32Array.from(v), rows: 1, cols: v.length });

describe('powerToDb', () => {
  it('10 log10(S / ref), floored at amin and at max - topDb', () => {
    expect(Array.from(powerToDb(row(1, 0.1, 1e-3, 0), { topDb: null }).data)).toEqual([0, -10, -30, -100]);
    expect(Array.from(powerToDb(row(1, 0.1, 1e-3, 0)).data)).toEqual([0, -10, -30, -80]);
    expect(Array.from(powerToDb(row(1, 0.1), { topDb: 5 }).data)).toEqual([0, -5]);
    expect(Array.from(powerToDb(row(4, 0.4), { ref: 'max' }).data)).toEqual([0, -10]);
    expect(powerToDb(row(1), { ref: -10 }).data[0]).toBeCloseTo(-10, 6); // |ref|
    expect(powerToDb(row(1e-12), { amin: 1e-10, topDb: null }).data[0]).toBeCloseTo(-100, 5);
    expect(powerToDb(row(-5, 1), { topDb: null }).data[0]).toBeCloseTo(-100, 5); // max(amin, S), no abs
  });

  it('silence: ref=max gives 0 dB everywhere (ref floored to amin too); ref=1 gives 10 log10(amin)', () => {
    const zeros = { data: new Float32Array(12), rows: 3, cols: 4 };
    expect(powerToDb(zeros, { ref: 'max' }).data.every((v) => v === 0)).toBe(true);
    expect(powerToDb(zeros).data.every((v) => v === -100)).toBe(true);
    const D = powerToDb(melSpectrogram(new Float32Array(4000), { sr: 8000 }), { ref: 'max' });
    expect([D.rows, D.cols]).toEqual([128, 8]);
    expect(D.data.every((v) => v === 0)).toBe(true);
  });

  it('rejects amin <= 0 and negative topDb', () => {
    expect(() => powerToDb(row(1), { amin: 0 })).toThrow(/amin=0/);
    expect(() => powerToDb(row(1), { topDb: -1 })).toThrow(/topDb=-1/);
  });
});

describe('amplitudeToDb', () => {
  it('20 log10(S / ref) with amin=1e-5 and topDb=80', () => {
    const d = amplitudeToDb(row(1, 0.1, 1e-6));
    expect(d.data[0]).toBeCloseTo(0, 6);
    expect(d.data[1]).toBeCloseTo(-20, 5);
    expect(d.data[2]).toBeCloseTo(-80, 5);
    expect(amplitudeToDb(row(1, 1e-6), { topDb: null }).data[1]).toBeCloseTo(-100, 4);
    expect(amplitudeToDb(row(2, 0.2), { ref: 'max' }).data[1]).toBeCloseTo(-20, 5);
  });

  it('amplitudeToDb(|X|) == powerToDb(|X|²) on a real spectrogram', () => {
    const y = Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i * 0.05) * Math.exp(-i / 3000) + 0.01 * Math.sin(i * 1.3));
    const opts = { nFft: 1024, hopLength: 256 };
    const a = amplitudeToDb(magnitudeSpectrogram(y, opts), { ref: 'max' });
    const p = powerToDb(powerSpectrogram(y, opts), { ref: 'max' });
    expect(maxAbsDiff(a.data, p.data)).toBeLessThan(1e-3);
  });

  it('melSpectrogram power=1 is the filterbank applied to |X| (and power=2 to |X|²)', () => {
    const y = Float32Array.from({ length: 6000 }, (_, i) => Math.sin(i * 0.21) + 0.5 * Math.sin(i * 0.9));
    const opts = { sr: 16000, nFft: 512, hopLength: 160, nMels: 40 };
    const fb = melFilterbank(opts);
    for (const power of [1, 2, 1.5]) {
      const mel = melSpectrogram(y, { ...opts, power });
      const mag = magnitudeSpectrogram(y, opts);
      let worst = 0;
      for (let m = 0; m < 40; m++) {
        for (let t = 0; t < mel.cols; t++) {
          let acc = 0;
          for (let k = 0; k < fb.cols; k++) acc += fb.data[m * fb.cols + k]! * mag.data[k * mag.cols + t]! ** power;
          worst = Math.max(worst, Math.abs(mel.data[m * mel.cols + t]! - acc) / Math.max(acc, 1e-6));
        }
      }
      expect(worst).toBeLessThan(1e-5);
    }
  });
});
