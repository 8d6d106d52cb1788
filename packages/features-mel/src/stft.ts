import { requireFiniteAudio, requireFiniteNumber } from './errors.js';
import { createRealFft, PackedRealFft, type RealFft } from './fft.js';
import { frameCount, paddedIndex, resolveStftOptions, type ResolvedStftOptions } from './frames.js';
import type { ComplexMatrix, Matrix, StftOptions } from './types.js';
import { hannWindow } from './window.js';

/**
 * Reusable STFT machinery: one FFT plan, one window and scratch buffers, so analysing a frame allocates nothing.
 * Frames are read straight from y; only the frames that overlap the padding go through the index mapping.
 */
export class FrameAnalyzer {
  readonly options: ResolvedStftOptions;
  readonly bins: number;
  /** Spectrum of the last analysed frame, float64, bins 0..nFft/2. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly fft: RealFft;
  /** The fused window + FFT path, for power-of-two nFft. */
  private readonly packed: PackedRealFft | undefined;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  /** Raw samples of a frame that overlaps the padding (packed path). */
  private readonly edgeFrame: Float32Array;
  /** Support of the window inside the nFft frame: samples outside are always zero. */
  private readonly winStart: number;
  private readonly winEnd: number;

  constructor(opts: StftOptions = {}) {
    this.options = resolveStftOptions(opts);
    const { nFft, winLength } = this.options;
    this.bins = Math.floor(nFft / 2) + 1;
    this.window = hannWindow(winLength, nFft);
    this.fft = createRealFft(nFft);
    this.packed = this.fft instanceof PackedRealFft ? this.fft : undefined;
    this.frame = new Float64Array(this.packed ? 0 : nFft);
    this.edgeFrame = new Float32Array(this.packed ? nFft : 0);
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
    this.winStart = Math.floor((nFft - winLength) / 2);
    this.winEnd = this.winStart + winLength;
  }

  /** The power-of-two FFT plan and window, for kernels that must compute exactly what `analyze` does. */
  get packedPlan(): { fft: PackedRealFft; window: Float64Array } | undefined {
    return this.packed && { fft: this.packed, window: this.window };
  }

  /** Validates y and returns its frame count (librosa's). */
  frameCount(y: Float32Array): number {
    requireFiniteAudio(y);
    return frameCount(y.length, this.options);
  }

  /** Windowed DFT of frame t of y into `re`/`im`. */
  analyze(y: Float32Array, t: number): void {
    const { nFft, hopLength, center, padMode } = this.options;
    const offset = t * hopLength - (center ? Math.floor(nFft / 2) : 0);
    const window = this.window;
    const start = this.winStart;
    const end = this.winEnd;
    const n = y.length;
    const inside = offset + start >= 0 && offset + end <= n;
    const packed = this.packed;
    if (packed !== undefined) {
      if (inside && offset >= 0 && offset + nFft <= n) {
        packed.forwardWindowed(y, offset, window, this.re, this.im);
        return;
      }
      // Near the edges: gather the (padded) samples the window touches; the window is zero elsewhere.
      const edge = this.edgeFrame;
      edge.fill(0);
      for (let i = start; i < end; i++) {
        const j = paddedIndex(offset + i, n, padMode);
        if (j >= 0) edge[i] = y[j]!;
      }
      packed.forwardWindowed(edge, 0, window, this.re, this.im);
      return;
    }
    const frame = this.frame;
    if (inside) {
      for (let i = start; i < end; i++) frame[i] = window[i]! * y[offset + i]!;
    } else {
      for (let i = start; i < end; i++) {
        const j = paddedIndex(offset + i, n, padMode);
        frame[i] = j < 0 ? 0 : window[i]! * y[j]!;
      }
    }
    this.fft.forward(frame, this.re, this.im);
  }

  /** |X|^power of the last analysed frame into `out[0..bins)`. */
  magnitudePower(out: Float64Array, power: number): void {
    const re = this.re;
    const im = this.im;
    const bins = this.bins;
    if (power === 2) {
      for (let k = 0; k < bins; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    } else if (power === 1) {
      for (let k = 0; k < bins; k++) out[k] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!);
    } else {
      const half = power / 2;
      for (let k = 0; k < bins; k++) out[k] = Math.pow(re[k]! * re[k]! + im[k]! * im[k]!, half);
    }
  }
}

/** `librosa.stft`: complex spectrum, rows = 1 + nFft/2, cols = frames (complex64 precision). */
export function stft(y: Float32Array, opts: StftOptions = {}): ComplexMatrix {
  const analyzer = new FrameAnalyzer(opts);
  const cols = analyzer.frameCount(y);
  const rows = analyzer.bins;
  const re = new Float32Array(rows * cols);
  const im = new Float32Array(rows * cols);
  for (let t = 0; t < cols; t++) {
    analyzer.analyze(y, t);
    for (let k = 0; k < rows; k++) {
      re[k * cols + t] = analyzer.re[k]!;
      im[k * cols + t] = analyzer.im[k]!;
    }
  }
  return { re, im, rows, cols };
}

/** `np.abs(librosa.stft(y, ...)) ** power` (librosa's `_spectrogram`). */
export function spectrogram(y: Float32Array, opts: StftOptions & { power?: number } = {}): Matrix {
  const power = requireFiniteNumber('power', opts.power ?? 1);
  const analyzer = new FrameAnalyzer(opts);
  const cols = analyzer.frameCount(y);
  const rows = analyzer.bins;
  const data = new Float32Array(rows * cols);
  const column = new Float64Array(rows);
  for (let t = 0; t < cols; t++) {
    analyzer.analyze(y, t);
    analyzer.magnitudePower(column, power);
    for (let k = 0; k < rows; k++) data[k * cols + t] = column[k]!;
  }
  return { data, rows, cols };
}

/** `np.abs(librosa.stft(y))`. */
export function magnitudeSpectrogram(y: Float32Array, opts: StftOptions = {}): Matrix {
  return spectrogram(y, { ...opts, power: 1 });
}

/** `np.abs(librosa.stft(y)) ** 2`. */
export function powerSpectrogram(y: Float32Array, opts: StftOptions = {}): Matrix {
  return spectrogram(y, { ...opts, power: 2 });
}
