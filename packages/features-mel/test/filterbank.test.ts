import { describe, expect, it } from 'vitest';
import { fftFrequencies, hzToMel, melFilterbank, melFrequencies, melToHz, ParameterError } from '../src/index.js';

describe('mel scale conversions', () => {
  it('Slaney: linear 200/3 Hz per mel below 1 kHz, log above (6.4x per 27 mels)', () => {
    expect(hzToMel(0)).toBe(0);
    expect(hzToMel(500)).toBeCloseTo(7.5, 12);
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(6400)).toBeCloseTo(42, 12);
    expect(melToHz(42)).toBeCloseTo(6400, 9);
    for (const hz of [0, 123.4, 999.9, 1000, 4321, 11025]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 8);
  });

  it('HTK: 2595 log10(1 + f/700)', () => {
    expect(hzToMel(700, true)).toBeCloseTo(2595 * Math.log10(2), 10);
    for (const hz of [0, 60, 1000, 8000]) expect(melToHz(hzToMel(hz, true), true)).toBeCloseTo(hz, 8);
  });

  it('mel_frequencies ends exactly at fmin and fmax; fft_frequencies are k*sr/nFft', () => {
    const f = melFrequencies(130, 20, 8000);
    expect(f[0]).toBeCloseTo(20, 10);
    expect(f[129]).toBeCloseTo(8000, 9);
    const bins = fftFrequencies(22050, 2048);
    expect(bins.length).toBe(1025);
    expect(bins[1024]).toBe(11025);
    expect(bins[1]).toBeCloseTo(22050 / 2048, 12);
  });
});

function columnSums(fb: { data: Float32Array; rows: number; cols: number }): Float64Array {
  const sums = new Float64Array(fb.cols);
  for (let m = 0; m < fb.rows; m++) for (let k = 0; k < fb.cols; k++) sums[k] += fb.data[m * fb.cols + k]!;
  return sums;
}

describe('melFilterbank', () => {
  const sr = 16000;
  const nFft = 512;
  const nMels = 40;

  for (const htk of [false, true]) {
    it(`${htk ? 'HTK' : 'Slaney'} scale: unnormalised triangles peak at the band centres and sum to 1 inside`, () => {
      const fb = melFilterbank({ sr, nFft, nMels, htk, norm: null });
      const centres = melFrequencies(nMels + 2, 0, sr / 2, htk);
      const freqs = fftFrequencies(sr, nFft);
      const sums = columnSums(fb);
      for (let k = 0; k < fb.cols; k++) {
        if (freqs[k]! >= centres[1]! && freqs[k]! <= centres[nMels]!) expect(sums[k]).toBeCloseTo(1, 6);
      }
      for (let m = 0; m < nMels; m++) {
        let argmax = 0;
        for (let k = 1; k < fb.cols; k++) if (fb.data[m * fb.cols + k]! > fb.data[m * fb.cols + argmax]!) argmax = k;
        expect(Math.abs(freqs[argmax]! - centres[m + 1]!)).toBeLessThan(sr / nFft); // the peak bin is a neighbour of the centre
        expect(fb.data[m * fb.cols + argmax]).toBeLessThanOrEqual(1);
      }
    });
  }

  it('HTK and Slaney place the bands differently (HTK is log-spaced below 1 kHz too)', () => {
    const slaney = melFrequencies(nMels + 2, 0, sr / 2, false);
    const htk = melFrequencies(nMels + 2, 0, sr / 2, true);
    // Slaney is exactly linear below 1 kHz; HTK spacing grows from the start.
    expect(slaney[2]! - slaney[1]!).toBeCloseTo(slaney[1]! - slaney[0]!, 9);
    expect(htk[2]! - htk[1]!).toBeGreaterThan(htk[1]! - htk[0]! + 1e-3);
    const a = melFilterbank({ sr, nFft, nMels, htk: false });
    const b = melFilterbank({ sr, nFft, nMels, htk: true });
    expect(a.data).not.toEqual(b.data);
  });

  it("norm='slaney' scales each triangle by 2 / (f[m+2] - f[m])", () => {
    const raw = melFilterbank({ sr, nFft, nMels, norm: null });
    const norm = melFilterbank({ sr, nFft, nMels });
    const f = melFrequencies(nMels + 2, 0, sr / 2);
    for (const m of [0, 7, 39]) {
      const enorm = 2 / (f[m + 2]! - f[m]!);
      for (let k = 0; k < raw.cols; k++) {
        expect(norm.data[m * raw.cols + k]).toBeCloseTo(Math.fround(raw.data[m * raw.cols + k]! * enorm), 7);
      }
    }
  });

  it('no weight at or outside fmin/fmax', () => {
    const fb = melFilterbank({ sr: 22050, nFft: 2048, nMels: 64, fmin: 300, fmax: 4000 });
    const freqs = fftFrequencies(22050, 2048);
    for (let k = 0; k < fb.cols; k++) {
      if (freqs[k]! <= 300 || freqs[k]! >= 4000) {
        for (let m = 0; m < fb.rows; m++) expect(fb.data[m * fb.cols + k]).toBe(0);
      }
    }
    expect(Math.max(...fb.data)).toBeGreaterThan(0);
  });

  it('p-norm normalisation gives unit-norm rows', () => {
    const fb = melFilterbank({ sr, nFft, nMels: 20, norm: 2 });
    for (let m = 0; m < 20; m++) {
      let s = 0;
      for (let k = 0; k < fb.cols; k++) s += fb.data[m * fb.cols + k]! ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 5);
    }
  });

  it('rejects bad options with the key in the message', () => {
    expect(() => melFilterbank({ sr: 0 })).toThrow(/sr=0/);
    expect(() => melFilterbank({ sr, nMels: 0 })).toThrow(ParameterError);
    expect(() => melFilterbank({ sr, norm: 'l2' as 'slaney' })).toThrow(/norm=l2/);
  });
});
