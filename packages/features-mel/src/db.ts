import { ParameterError, requireFiniteNumber } from './errors.js';
import type { AmplitudeToDbOptions, Matrix, PowerToDbOptions } from './types.js';

function maxOf(data: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  return max;
}

/**
 * Core of `librosa.power_to_db` on a flat array, in place-safe form (out may alias data):
 * 10·log10(max(amin, S)) − 10·log10(max(amin, |ref|)), then floored at max − topDb.
 * Note ref='max' on silence gives ref=0 → floored to amin, so every bin is 0 dB, as librosa.
 */
export function powerToDbInto(data: ArrayLike<number>, out: Float32Array, opts: PowerToDbOptions = {}): void {
  const amin = requireFiniteNumber('amin', opts.amin ?? 1e-10);
  if (amin <= 0) throw new ParameterError(`amin=${amin} must be strictly positive`);
  const topDb = opts.topDb === undefined ? 80 : opts.topDb;
  if (topDb !== null) {
    requireFiniteNumber('topDb', topDb);
    if (topDb < 0) throw new ParameterError(`topDb=${topDb} must be non-negative`);
  }
  const ref = opts.ref ?? 1.0;
  let refValue: number;
  if (ref === 'max') {
    refValue = data.length > 0 ? maxOf(data) : 0;
  } else if (typeof ref === 'number' && !Number.isNaN(ref)) {
    refValue = Math.abs(ref);
  } else {
    throw new ParameterError(`ref=${String(ref)} must be a number or 'max'`);
  }
  const offset = 10.0 * Math.log10(Math.max(amin, refValue));
  let peak = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const db = Math.fround(10.0 * Math.log10(Math.max(amin, data[i]!)) - offset);
    out[i] = db;
    if (db > peak) peak = db;
  }
  if (topDb !== null && data.length > 0) {
    const floor = Math.fround(peak - topDb);
    for (let i = 0; i < out.length; i++) if (out[i]! < floor) out[i] = floor;
  }
}

/** `librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)`. */
export function powerToDb(S: Matrix, opts: PowerToDbOptions = {}): Matrix {
  const out = new Float32Array(S.data.length);
  powerToDbInto(S.data, out, opts);
  return { data: out, rows: S.rows, cols: S.cols };
}

/** `librosa.amplitude_to_db(S, ref=1.0, amin=1e-5, top_db=80.0)`: power_to_db(|S|², ref², amin²). */
export function amplitudeToDb(S: Matrix, opts: AmplitudeToDbOptions = {}): Matrix {
  const amin = requireFiniteNumber('amin', opts.amin ?? 1e-5);
  if (amin <= 0) throw new ParameterError(`amin=${amin} must be strictly positive`);
  const ref = opts.ref ?? 1.0;
  let refValue: number;
  if (ref === 'max') {
    let max = 0;
    for (let i = 0; i < S.data.length; i++) max = Math.max(max, Math.abs(S.data[i]!));
    refValue = max;
  } else if (typeof ref === 'number' && !Number.isNaN(ref)) {
    refValue = Math.abs(ref);
  } else {
    throw new ParameterError(`ref=${String(ref)} must be a number or 'max'`);
  }
  // librosa squares in the input's float32 precision.
  const power = new Float32Array(S.data.length);
  for (let i = 0; i < power.length; i++) power[i] = S.data[i]! * S.data[i]!;
  const out = new Float32Array(power.length);
  powerToDbInto(power, out, { ref: refValue * refValue, amin: amin * amin, topDb: opts.topDb });
  return { data: out, rows: S.rows, cols: S.cols };
}
