/** Test-only audio analysis for the demo dataset: WAV parsing and simple spectral features. */

import { powerSpectrogram } from '@earshot/features-mel';

export interface ParsedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  samples: Float32Array;
}

/** Parses a canonical 16-bit PCM WAV (as the demo writes) by walking its chunks. */
export function parseWav(bytes: Uint8Array): ParsedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let offset = 12;
  let format: { sampleRate: number; channels: number; bitsPerSample: number; audioFormat: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        audioFormat: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format || format.audioFormat !== 1 || format.bitsPerSample !== 16) throw new Error('expected 16-bit PCM');
      const samples = new Float32Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true) / 32768;
      return { sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: format.bitsPerSample, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** Hann-windowed power spectra (features-mel's STFT, no centring): one array of 1 + nFft/2 bins per frame. */
export function powerFrames(y: Float32Array, nFft = 1024, hopLength = 512): Float32Array[] {
  const S = powerSpectrogram(y, { nFft, hopLength, center: false });
  return Array.from({ length: S.cols }, (_, t) => Float32Array.from({ length: S.rows }, (_, k) => S.data[k * S.cols + t]!));
}

/** Spectral centroid (Hz) of the whole clip's summed power spectrum. */
export function spectralCentroid(y: Float32Array, sr: number, nFft = 1024): number {
  let weighted = 0;
  let total = 0;
  for (const frame of powerFrames(y, nFft)) {
    for (let k = 0; k < frame.length; k++) {
      weighted += ((k * sr) / nFft) * (frame[k] as number);
      total += frame[k] as number;
    }
  }
  return weighted / total;
}

/** Mean log energy in `bands` log-spaced bands from 50 Hz to Nyquist: a crude timbre vector. */
export function logBandEnergies(y: Float32Array, sr: number, bands = 16, nFft = 1024): number[] {
  const edges = Array.from({ length: bands + 1 }, (_, b) => 50 * Math.pow(sr / 2 / 50, b / bands));
  const bandOfBin = Array.from({ length: nFft / 2 + 1 }, (_, k) => {
    const f = (k * sr) / nFft;
    return edges.findIndex((edge, b) => b < bands && f >= edge && f < (edges[b + 1] as number));
  });
  const sums = new Array<number>(bands).fill(0);
  for (const frame of powerFrames(y, nFft)) {
    for (let k = 1; k < frame.length; k++) {
      const band = bandOfBin[k] as number;
      if (band >= 0) sums[band] = (sums[band] as number) + (frame[k] as number);
    }
  }
  const total = sums.reduce((a, b) => a + b, 0);
  return sums.map((s) => Math.log10(1e-12 + s / total)); // level-independent: shape only
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
