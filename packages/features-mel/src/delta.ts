import { ParameterError } from './errors.js';
import type { Matrix } from './types.js';

export interface DeltaOptions {
  /** Odd window length >= 3. Default 9. */
  width?: number;
  /** Derivative order (a positive integer). Default 1. */
  order?: number;
}

/**
 * `librosa.feature.delta(M, width, order)` along frames: scipy's Savitzky–Golay filter with
 * polyorder = deriv = order and mode='interp' (edges get the derivative of a polynomial fitted to the
 * first/last `width` frames).
 */
export function delta(M: Matrix, opts: DeltaOptions = {}): Matrix {
  const width = opts.width ?? 9;
  const order = opts.order ?? 1;
  const { rows, cols } = M;
  if (width > cols) {
    throw new ParameterError(`when mode='interp', width=${width} cannot exceed the frame count ${cols}`);
  }
  if (!Number.isInteger(width) || width < 3 || width % 2 !== 1) {
    throw new ParameterError(`width=${String(width)} must be an odd integer >= 3`);
  }
  if (!Number.isInteger(order) || order <= 0) {
    throw new ParameterError(`order=${String(order)} must be a positive integer`);
  }
  if (order >= width) throw new ParameterError(`order=${order} must be less than width=${width}`);
  const half = (width - 1) / 2;
  // weights[(u + half) * width + (j + half)]: value at offset u from the window centre, from sample offset j.
  const weights = savgolWeights(width, order, order);
  const out = new Float32Array(rows * cols);
  const interior = half * width; // row of u = 0
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let t = half; t < cols - half; t++) out[base + t] = dot(M.data, base + t - half, weights, interior, width);
    for (let t = 0; t < half; t++) {
      out[base + t] = dot(M.data, base, weights, (t - half + half) * width, width);
      const tail = cols - half + t;
      out[base + tail] = dot(M.data, base + cols - width, weights, (half + 1 + t) * width, width);
    }
  }
  return { data: out, rows, cols };
}

function dot(x: Float32Array, from: number, w: Float64Array, wFrom: number, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += w[wFrom + i]! * x[from + i]!;
  return acc;
}

/**
 * Least-squares polynomial (degree `polyorder`) fit over offsets j = -h..h, differentiated `deriv` times and
 * evaluated at each offset u = -h..h, as a linear map of the samples: w[u][j].
 */
function savgolWeights(width: number, polyorder: number, deriv: number): Float64Array {
  const h = (width - 1) / 2;
  const p = polyorder + 1;
  const gram = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < p; k++) {
      let s = 0;
      for (let j = -h; j <= h; j++) s += j ** (i + k);
      gram[i * p + k] = s;
    }
  }
  const inv = invert(gram, p);
  const w = new Float64Array(width * width);
  for (let u = -h; u <= h; u++) {
    for (let j = -h; j <= h; j++) {
      let acc = 0;
      for (let i = deriv; i < p; i++) {
        const d = fallingFactorial(i, deriv) * u ** (i - deriv);
        let basis = 0;
        for (let k = 0; k < p; k++) basis += inv[i * p + k]! * j ** k;
        acc += d * basis;
      }
      w[(u + h) * width + (j + h)] = acc;
    }
  }
  return w;
}

const fallingFactorial = (i: number, d: number): number => {
  let f = 1;
  for (let q = 0; q < d; q++) f *= i - q;
  return f;
};

/** Gauss–Jordan inverse with partial pivoting of a small p × p matrix. */
function invert(a: Float64Array, p: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(p * p);
  for (let i = 0; i < p; i++) inv[i * p + i] = 1;
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r * p + c]!) > Math.abs(m[pivot * p + c]!)) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < p; k++) {
        [m[c * p + k], m[pivot * p + k]] = [m[pivot * p + k]!, m[c * p + k]!];
        [inv[c * p + k], inv[pivot * p + k]] = [inv[pivot * p + k]!, inv[c * p + k]!];
      }
    }
    const d = m[c * p + c]!;
    for (let k = 0; k < p; k++) {
      m[c * p + k] = m[c * p + k]! / d;
      inv[c * p + k] = inv[c * p + k]! / d;
    }
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r * p + c]!;
      if (f === 0) continue;
      for (let k = 0; k < p; k++) {
        m[r * p + k] = m[r * p + k]! - f * m[c * p + k]!;
        inv[r * p + k] = inv[r * p + k]! - f * inv[c * p + k]!;
      }
    }
  }
  return inv;
}
