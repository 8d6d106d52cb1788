import { describe, expect, it } from 'vitest';
import {
  createRealFft,
  frameCount,
  hannWindow,
  magnitudeSpectrogram,
  ParameterError,
  powerSpectrogram,
  stft,
} from '../src/index.js';
import { paddedIndex } from '../src/frames.js';
import { maxAbsDiff, naiveDft } from './reference.js';

function sine(n: number, freq: number, sr: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / sr));
}

describe('frame counts (librosa: 1 + (len + 2*(nFft//2) - nFft) // hop when centered)', () => {
  it.each([
    // [length, nFft, hop, center, expected]
    [22050, 2048, 512, true, 44],
    [6571, 2048, 512, true, 13],
    [11855, 2048, 512, true, 24],
    [0, 2048, 512, true, 1],
    [100, 2048, 512, true, 1],
    [511, 2048, 512, true, 1],
    [512, 2048, 512, true, 2],
    [22050, 1024, 256, true, 87],
    [22050, 1000, 333, true, 67],
    [22050, 2048, 512, false, 40],
    [2048, 2048, 512, false, 1],
    [10, 7, 3, true, 4],
  ])('len=%i nFft=%i hop=%i center=%s -> %i frames', (length, nFft, hopLength, center, expected) => {
    expect(frameCount(length, { nFft, hopLength, center })).toBe(expected);
    expect(stft(new Float32Array(length), { nFft, hopLength, center }).cols).toBe(expected);
  });

  it('defaults hop to winLength // 4', () => {
    expect(frameCount(22050, { nFft: 2048, winLength: 1000 })).toBe(1 + Math.floor(22050 / 250));
  });

  it('raises like librosa where librosa raises', () => {
    expect(() => frameCount(100, { center: false })).toThrow(/too large for uncentered/);
    expect(() => frameCount(0, { nFft: 7 })).toThrow(ParameterError); // odd nFft pads only 6 samples
    expect(() => frameCount(0, { padMode: 'reflect' })).toThrow(/empty/);
    expect(() => frameCount(10, { hopLength: 0 })).toThrow(/hopLength=0/);
    expect(() => frameCount(10, { nFft: 512, winLength: 1024 })).toThrow(/winLength=1024/);
    expect(() => stft(Float32Array.of(0, Number.NaN, 0))).toThrow(/not finite/);
  });
});

describe('window', () => {
  it('is the periodic Hann window, zero-padded centered', () => {
    const w = hannWindow(8);
    const expected = Array.from({ length: 8 }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 8));
    expect(maxAbsDiff(w, expected)).toBeLessThan(1e-15);
    const padded = hannWindow(4, 10);
    expect(Array.from(padded.slice(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(padded.slice(7))).toEqual([0, 0, 0]);
    expect(padded[3 + 2]).toBeCloseTo(1, 15);
  });
});

describe('real FFT', () => {
  const x = Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.91) + ((i * 7919) % 13) / 13);
  // Powers of two with an even and an odd number of complex stages (n/2 = 2, 4, 8, 16, 512, 1024, 2048).
  for (const n of [2, 4, 8, 16, 32, 1024, 2048, 4096, 1000, 441, 7, 1]) {
    it(`matches a direct DFT for size ${n}${(n & (n - 1)) === 0 && n > 1 ? '' : ' (Bluestein)'}`, () => {
      const fft = createRealFft(n);
      const bins = Math.floor(n / 2) + 1;
      const re = new Float64Array(bins);
      const im = new Float64Array(bins);
      const input = x.subarray(0, n);
      fft.forward(input, re, im);
      let worst = 0;
      for (let k = 0; k < bins; k++) {
        const [r, i] = naiveDft(input, k);
        worst = Math.max(worst, Math.abs(re[k]! - r), Math.abs(im[k]! - i));
      }
      expect(worst).toBeLessThan(1e-9 * Math.max(1, n));
    });
  }
});

describe('stft', () => {
  it('frame t is the DFT of the Hann-windowed signal centered at t*hop (zero padding)', () => {
    const y = sine(3000, 440, 22050);
    const nFft = 512;
    const hop = 128;
    const S = stft(y, { nFft, hopLength: hop });
    expect(S.rows).toBe(257);
    const w = hannWindow(nFft);
    for (const t of [0, 1, 5, S.cols - 1]) {
      const frame = Array.from({ length: nFft }, (_, i) => {
        const j = t * hop - nFft / 2 + i;
        return j >= 0 && j < y.length ? w[i]! * y[j]! : 0;
      });
      for (const k of [0, 10, 128, 256]) {
        const [re, im] = naiveDft(frame, k);
        expect(S.re[k * S.cols + t]).toBeCloseTo(re, 4);
        expect(S.im[k * S.cols + t]).toBeCloseTo(im, 4);
      }
    }
  });

  it('reflect and edge padding read numpy.pad values', () => {
    const y = Float32Array.from({ length: 50 }, (_, i) => Math.cos(i * 0.3) + i / 50);
    const nFft = 64;
    for (const padMode of ['reflect', 'edge'] as const) {
      const padded = new Float32Array(50 + 64);
      for (let i = 0; i < padded.length; i++) {
        const j = i - 32;
        padded[i] = padMode === 'edge' ? y[Math.min(49, Math.max(0, j))]! : y[j < 0 ? -j : j > 49 ? 98 - j : j]!;
      }
      const viaPad = magnitudeSpectrogram(padded, { nFft, hopLength: 16, center: false });
      const direct = magnitudeSpectrogram(y, { nFft, hopLength: 16, padMode });
      expect(direct.cols).toBe(viaPad.cols);
      expect(maxAbsDiff(direct.data, viaPad.data)).toBeLessThan(1e-5);
    }
  });

  it('a clip shorter than nFft yields one frame of the zero-padded clip', () => {
    const y = sine(300, 1000, 22050);
    const S = powerSpectrogram(y, { nFft: 2048 });
    expect([S.rows, S.cols]).toEqual([1025, 1]);
    const w = hannWindow(2048);
    const frame = Array.from({ length: 2048 }, (_, i) => (i >= 1024 && i < 1324 ? w[i]! * y[i - 1024]! : 0));
    const [re, im] = naiveDft(frame, 93); // ~1000 Hz
    const expected = re * re + im * im;
    expect(Math.abs(S.data[93]! - expected) / expected).toBeLessThan(1e-6);
  });

  it('silence and empty input give all-zero spectra of librosa shape', () => {
    const silent = powerSpectrogram(new Float32Array(5000));
    expect([silent.rows, silent.cols]).toEqual([1025, 10]);
    expect(silent.data.every((v) => v === 0)).toBe(true);
    const empty = stft(new Float32Array(0));
    expect([empty.rows, empty.cols]).toEqual([1025, 1]);
    expect(empty.re.every((v) => v === 0) && empty.im.every((v) => v === 0)).toBe(true);
  });

  it('winLength < nFft uses a centered shorter window', () => {
    const y = sine(4000, 300, 8000);
    const S = magnitudeSpectrogram(y, { nFft: 256, winLength: 128, hopLength: 64 });
    const w = hannWindow(128, 256);
    const t = 10;
    const frame = Array.from({ length: 256 }, (_, i) => w[i]! * y[t * 64 - 128 + i]!);
    const [re, im] = naiveDft(frame, 10);
    expect(S.data[10 * S.cols + t]).toBeCloseTo(Math.hypot(re, im), 4);
  });
});

describe('fused window + FFT path (power-of-two nFft)', () => {
  // Every frame, interior and padded, against a direct DFT of the explicitly windowed frame.
  for (const [nFft, winLength, hopLength, padMode] of [
    [2048, 2048, 512, 'constant'],
    [1024, 700, 256, 'reflect'],
    [8, 8, 2, 'edge'],
    [4, 3, 1, 'constant'],
    [2, 2, 1, 'constant'],
  ] as const) {
    it(`nFft=${nFft} winLength=${winLength} padMode=${padMode}`, () => {
      const y = Float32Array.from({ length: 3 * nFft + 5 }, (_, i) => Math.sin(i * 0.37) * 0.4 + ((i * 7919) % 11) / 40 - 0.1);
      const S = stft(y, { nFft, winLength, hopLength, padMode });
      const w = hannWindow(winLength, nFft);
      let worst = 0;
      let scale = 0;
      for (let t = 0; t < S.cols; t++) {
        const frame = Array.from({ length: nFft }, (_, i) => {
          const j = paddedIndex(t * hopLength - Math.floor(nFft / 2) + i, y.length, padMode);
          return j < 0 ? 0 : w[i]! * y[j]!;
        });
        for (let k = 0; k < S.rows; k += Math.max(1, Math.floor(S.rows / 37))) {
          const [re, im] = naiveDft(frame, k);
          scale = Math.max(scale, Math.hypot(re, im));
          worst = Math.max(worst, Math.abs(S.re[k * S.cols + t]! - re), Math.abs(S.im[k * S.cols + t]! - im));
        }
      }
      // complex64 output: float32 rounding of values up to `scale`.
      expect(worst).toBeLessThan(1e-6 * scale + 1e-9);
    });
  }
});

