import { fftFrequencies, melFrequencies } from './convert.js';
import { ParameterError, requireFiniteNumber, requirePositiveInt } from './errors.js';
import type { Matrix, MelOptions } from './types.js';

export interface ResolvedMelOptions {
  sr: number;
  nFft: number;
  nMels: number;
  fmin: number;
  fmax: number;
  htk: boolean;
  norm: 'slaney' | number | null;
}

export function resolveMelOptions(opts: MelOptions): ResolvedMelOptions {
  if (opts === undefined || opts === null || typeof opts !== 'object') {
    throw new ParameterError('mel options are required (at least { sr })');
  }
  const sr = requireFiniteNumber('sr', opts.sr);
  if (sr <= 0) throw new ParameterError(`sr=${sr} must be positive`);
  const nFft = requirePositiveInt('nFft', opts.nFft ?? 2048);
  const nMels = requirePositiveInt('nMels', opts.nMels ?? 128);
  const fmin = requireFiniteNumber('fmin', opts.fmin ?? 0);
  const fmax = requireFiniteNumber('fmax', opts.fmax ?? sr / 2);
  const norm = opts.norm === undefined ? 'slaney' : opts.norm;
  if (norm !== null && norm !== 'slaney' && (typeof norm !== 'number' || Number.isNaN(norm) || norm <= 0)) {
    throw new ParameterError(`norm=${String(norm)} must be 'slaney', a positive number or null`);
  }
  return { sr, nFft, nMels, fmin, fmax, htk: opts.htk ?? false, norm };
}

/**
 * `librosa.filters.mel`: nMels × (1 + nFft/2) triangular filters, computed in float64 and stored float32
 * with librosa's own rounding steps (triangle rounded to float32, then scaled by the Slaney norm).
 */
export function melFilterbank(opts: MelOptions): Matrix {
  const { sr, nFft, nMels, fmin, fmax, htk, norm } = resolveMelOptions(opts);
  const bins = Math.floor(nFft / 2) + 1;
  const fftFreqs = fftFrequencies(sr, nFft);
  const melF = melFrequencies(nMels + 2, fmin, fmax, htk);
  const data = new Float32Array(nMels * bins);
  for (let m = 0; m < nMels; m++) {
    const lowerDiff = melF[m + 1]! - melF[m]!;
    const upperDiff = melF[m + 2]! - melF[m + 1]!;
    const row = m * bins;
    for (let k = 0; k < bins; k++) {
      const lower = -(melF[m]! - fftFreqs[k]!) / lowerDiff;
      const upper = (melF[m + 2]! - fftFreqs[k]!) / upperDiff;
      data[row + k] = Math.max(0, Math.min(lower, upper));
    }
    if (norm === 'slaney') {
      const enorm = 2.0 / (melF[m + 2]! - melF[m]!);
      for (let k = 0; k < bins; k++) data[row + k] = data[row + k]! * enorm;
    } else if (typeof norm === 'number') {
      normalizeRow(data, row, bins, norm);
    }
  }
  return { data, rows: nMels, cols: bins };
}

// librosa.util.normalize(axis=-1, threshold=tiny(float32), fill=None): rows with tiny norm are left as is.
const FLOAT32_TINY = 1.1754943508222875e-38;
function normalizeRow(data: Float32Array, row: number, bins: number, p: number): void {
  let length = 0;
  if (p === Infinity) {
    for (let k = 0; k < bins; k++) length = Math.max(length, Math.abs(data[row + k]!));
  } else {
    for (let k = 0; k < bins; k++) length += Math.pow(Math.abs(data[row + k]!), p);
    length = Math.pow(length, 1 / p);
  }
  if (length < FLOAT32_TINY) return;
  for (let k = 0; k < bins; k++) data[row + k] = data[row + k]! / length;
}

/** Each mel filter as its non-zero span: weights[offsets[m] .. offsets[m+1]) apply to bins start[m].. */
export interface SparseFilterbank {
  nMels: number;
  bins: number;
  start: Int32Array;
  offsets: Int32Array;
  weights: Float64Array;
}

export function toSparse(fb: Matrix): SparseFilterbank {
  const { rows, cols, data } = fb;
  const start = new Int32Array(rows);
  const offsets = new Int32Array(rows + 1);
  const spans: Array<[number, number]> = [];
  let total = 0;
  for (let m = 0; m < rows; m++) {
    let first = -1;
    let last = -1;
    for (let k = 0; k < cols; k++) {
      if (data[m * cols + k] !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    const lo = first < 0 ? 0 : first;
    const hi = first < 0 ? 0 : last + 1;
    spans.push([lo, hi]);
    start[m] = lo;
    offsets[m] = total;
    total += hi - lo;
  }
  offsets[rows] = total;
  const weights = new Float64Array(total);
  for (let m = 0; m < rows; m++) {
    const [lo, hi] = spans[m]!;
    for (let k = lo; k < hi; k++) weights[offsets[m]! + k - lo] = data[m * cols + k]!;
  }
  return { nMels: rows, bins: cols, start, offsets, weights };
}

/** out[m] = Σ_k fb[m, k] * spectrum[k], touching only each filter's span. */
export function applySparse(fb: SparseFilterbank, spectrum: Float64Array, out: Float64Array): void {
  const { nMels, start, offsets, weights } = fb;
  for (let m = 0; m < nMels; m++) {
    const end = offsets[m + 1]!;
    let acc = 0;
    for (let w = offsets[m]!, k = start[m]!; w < end; w++, k++) acc += weights[w]! * spectrum[k]!;
    out[m] = acc;
  }
}
