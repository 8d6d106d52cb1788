/** Test-only audio analysis for the demo dataset: WAV parsing and simple spectral features. */

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

/** In-place iterative radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] as number, re[i] as number];
      [im[i], im[j]] = [im[j] as number, im[i] as number];
    }
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((-2 * Math.PI * k) / n);
    sin[k] = Math.sin((-2 * Math.PI * k) / n);
  }
  for (let len = 2; len <= n; len <<= 1) {
    const stride = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = cos[k * stride] as number;
        const wi = sin[k * stride] as number;
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] as number) * wr - (im[b] as number) * wi;
        const xi = (re[b] as number) * wi + (im[b] as number) * wr;
        re[b] = (re[a] as number) - xr;
        im[b] = (im[a] as number) - xi;
        re[a] = (re[a] as number) + xr;
        im[a] = (im[a] as number) + xi;
      }
    }
  }
}

/** Hann-windowed power spectra, nFft 1024, hop 512: one Float64Array (1 + nFft/2 bins) per frame. */
export function powerFrames(y: Float32Array, nFft = 1024, hopLength = 512): Float64Array[] {
  const frames: Float64Array[] = [];
  for (let start = 0; start + nFft <= y.length; start += hopLength) {
    const re = new Float64Array(nFft);
    const im = new Float64Array(nFft);
    for (let i = 0; i < nFft; i++) re[i] = (y[start + i] as number) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nFft));
    fft(re, im);
    const power = new Float64Array(nFft / 2 + 1);
    for (let k = 0; k <= nFft / 2; k++) power[k] = (re[k] as number) ** 2 + (im[k] as number) ** 2;
    frames.push(power);
  }
  return frames;
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
