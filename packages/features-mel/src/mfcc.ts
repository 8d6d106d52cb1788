import { powerToDbInto } from './db.js';
import { dctMatrix, type DctNorm, type DctType } from './dct.js';
import { ParameterError, requireFiniteNumber, requirePositiveInt } from './errors.js';
import { sharedMelExtractor } from './mel.js';
import type { Matrix, MelSpectrogramOptions } from './types.js';

export interface DctOptions {
  /** Coefficients kept. Default 20. */
  nMfcc?: number;
  /** Default 2. */
  dctType?: DctType;
  /** DCT normalisation. Default 'ortho'. */
  norm?: DctNorm;
  /** Sinusoidal liftering 1 + (lifter/2)·sin(π(k+1)/lifter); 0 disables. Default 0. */
  lifter?: number;
}

/**
 * Options of `librosa.feature.mfcc`. As in librosa, `norm` is the DCT's; the mel filterbank's
 * normalisation is `melNorm` (default 'slaney').
 */
export interface MfccOptions extends DctOptions, Omit<MelSpectrogramOptions, 'norm'> {
  melNorm?: MelSpectrogramOptions['norm'];
}

/** MFCC from a log-power mel spectrogram (librosa's `mfcc(S=...)`): DCT along bands, then lifter. */
export function mfccFromLogMel(S: Matrix, opts: DctOptions = {}): Matrix {
  const nMfcc = requirePositiveInt('nMfcc', opts.nMfcc ?? 20);
  const lifter = requireFiniteNumber('lifter', opts.lifter ?? 0);
  if (lifter < 0) throw new ParameterError(`lifter=${lifter} must be a non-negative number`);
  const { rows: nMels, cols } = S;
  const rows = Math.min(nMfcc, nMels);
  const M = dctMatrix(nMels, rows, opts.dctType ?? 2, opts.norm === undefined ? 'ortho' : opts.norm);
  const data = new Float32Array(rows * cols);
  const column = new Float64Array(nMels);
  for (let t = 0; t < cols; t++) {
    for (let m = 0; m < nMels; m++) column[m] = S.data[m * cols + t]!;
    for (let k = 0; k < rows; k++) {
      let acc = 0;
      const base = k * nMels;
      for (let m = 0; m < nMels; m++) acc += M[base + m]! * column[m]!;
      const scale = lifter > 0 ? 1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter) : 1;
      data[k * cols + t] = acc * scale;
    }
  }
  return { data, rows, cols };
}

/** `librosa.feature.mfcc(y=y, sr=sr, ...)`: DCT of power_to_db(melspectrogram) with ref=1, top_db=80. */
export function mfcc(y: Float32Array, opts: MfccOptions): Matrix {
  const { melNorm, nMfcc, dctType, norm, lifter, ...melOpts } = opts;
  const extractor = sharedMelExtractor({ ...melOpts, norm: melNorm === undefined ? 'slaney' : melNorm });
  const S = extractor.compute(y);
  powerToDbInto(S.data, S.data, { ref: 1.0, amin: 1e-10, topDb: 80 });
  return mfccFromLogMel(S, { nMfcc, dctType, norm, lifter });
}
