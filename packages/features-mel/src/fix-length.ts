import { ParameterError } from './errors.js';

export interface FixLengthOptions {
  /** How to lengthen a short clip. Default 'zeros'. */
  pad?: 'zeros' | 'wrap' | 'reflect';
  /** Which part of a long clip to keep. Default 'start'. */
  crop?: 'start' | 'center' | 'random';
  /** Uniform [0, 1) generator for crop 'random' (use a seeded one, e.g. `new Mulberry32(seed).toFunction()` from @earshot/random). */
  random?: () => number;
}

/** Pads or crops `y` to exactly `length` samples. Padding goes at the end, as librosa.util.fix_length. */
export function fixLength(y: Float32Array, length: number, options: FixLengthOptions = {}): Float32Array {
  const { pad = 'zeros', crop = 'start', random } = options;
  if (!Number.isInteger(length) || length < 0) throw new ParameterError(`fixLength: length must be a non-negative integer, got ${length}`);
  const n = y.length;
  if (n === length) return y.slice();
  if (n > length) {
    let start = 0;
    if (crop === 'center') start = Math.floor((n - length) / 2);
    else if (crop === 'random') {
      if (!random) throw new ParameterError("fixLength: crop 'random' needs a seeded `random` function");
      start = Math.min(n - length, Math.floor(random() * (n - length + 1)));
    }
    return y.slice(start, start + length);
  }
  const out = new Float32Array(length);
  out.set(y);
  if (pad === 'zeros' || n === 0) return out;
  if (pad === 'wrap') {
    for (let i = n; i < length; i++) out[i] = y[i % n]!;
    return out;
  }
  // reflect (numpy 'reflect'): mirror without repeating the edge sample, bouncing as often as needed.
  if (n === 1) {
    out.fill(y[0]!);
    return out;
  }
  const period = 2 * (n - 1);
  for (let i = n; i < length; i++) {
    const k = i % period;
    out[i] = y[k < n ? k : period - k]!;
  }
  return out;
}
