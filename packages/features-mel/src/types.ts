/** Row-major 2-D feature, laid out as librosa's arrays: rows are frequency/mel bands, cols are frames. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** Complex STFT (complex64 in librosa), split into real and imaginary row-major planes. */
export interface ComplexMatrix {
  re: Float32Array;
  im: Float32Array;
  rows: number;
  cols: number;
}

export type PadMode = 'constant' | 'reflect' | 'edge';

export interface StftOptions {
  /** FFT size. Default 2048. Any positive integer (powers of two are fastest). */
  nFft?: number;
  /** Samples between frames. Default `winLength // 4`. */
  hopLength?: number;
  /** Window length, zero-padded to `nFft` centered. Default `nFft`. */
  winLength?: number;
  /** Only the periodic Hann window (`scipy.signal.get_window('hann', n, fftbins=True)`). */
  window?: 'hann';
  /** Pad `nFft // 2` samples on both sides so frame t is centered at `y[t * hopLength]`. Default true. */
  center?: boolean;
  /** Padding used when `center` is true. Default 'constant' (zeros), as librosa 0.11. */
  padMode?: PadMode;
}

export interface MelOptions {
  sr: number;
  nFft?: number;
  /** Default 128. */
  nMels?: number;
  /** Default 0. */
  fmin?: number;
  /** Default sr / 2. */
  fmax?: number;
  /** HTK mel scale instead of Slaney's. Default false. */
  htk?: boolean;
  /** 'slaney' (area normalisation), a p-norm (1, 2, Infinity…) per filter, or null. Default 'slaney'. */
  norm?: 'slaney' | number | null;
}

export interface MelSpectrogramOptions extends StftOptions, MelOptions {
  /** Exponent of the magnitude: 2 = power, 1 = magnitude. Default 2. */
  power?: number;
}

export interface PowerToDbOptions {
  /** Reference: a number (its absolute value is used) or 'max' (the input's maximum). Default 1. */
  ref?: number | 'max';
  /** Floor applied to the input and the reference. Default 1e-10. */
  amin?: number;
  /** Clip to `max(D) - topDb`; null disables. Default 80. */
  topDb?: number | null;
}

export interface AmplitudeToDbOptions {
  ref?: number | 'max';
  /** Default 1e-5. */
  amin?: number;
  /** Default 80. */
  topDb?: number | null;
}
