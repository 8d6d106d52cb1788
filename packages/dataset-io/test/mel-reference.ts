import { join } from 'node:path';
import { GOLDEN_DIR, readNpyFloat32 } from './helpers.js';

/**
 * A plain float64 reference of librosa's recipe (stft nFft 2048, hop 512, periodic Hann, centre zero
 * padding → power → golden mel filterbank → power_to_db ref=max, top_db 80), used to check the
 * resampler's effect on the mel dB until @earshot/features-mel is wired into these tests.
 */
const N_FFT = 2048;
const HOP = 512;
const BINS = N_FFT / 2 + 1;
let filterbank: Float32Array | null = null;

function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const step = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** Returns D as 128 × frames, row-major, like librosa. */
export function melDbReference(y: Float32Array): Float64Array {
  filterbank ??= readNpyFloat32(join(GOLDEN_DIR, 'mel_fb_sr22050_nfft2048_nmels128.npy')).data;
  const frames = 1 + Math.floor(y.length / HOP);
  const padded = new Float64Array(y.length + N_FFT);
  padded.set(y, N_FFT / 2);
  const S = new Float64Array(128 * frames);
  const re = new Float64Array(N_FFT);
  const im = new Float64Array(N_FFT);
  const power = new Float64Array(BINS);
  let max = 0;
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < N_FFT; i++) {
      re[i] = padded[f * HOP + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT));
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < BINS; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    for (let m = 0; m < 128; m++) {
      let s = 0;
      for (let k = 0; k < BINS; k++) s += filterbank[m * BINS + k]! * power[k]!;
      S[m * frames + f] = s;
      max = Math.max(max, s);
    }
  }
  const refDb = 10 * Math.log10(Math.max(max, 1e-10));
  const D = new Float64Array(S.length);
  for (let i = 0; i < S.length; i++) D[i] = Math.max(10 * Math.log10(Math.max(S[i]!, 1e-10)) - refDb, -80);
  return D;
}
