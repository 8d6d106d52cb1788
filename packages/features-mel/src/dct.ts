import { ParameterError, requirePositiveInt } from './errors.js';

export type DctType = 1 | 2 | 3;
export type DctNorm = 'ortho' | null;

/**
 * The first `nOut` rows of scipy.fftpack's DCT of length n as an nOut × n matrix (row-major float64),
 * so y = M · x. Types 1–3, norm 'ortho' or null, with scipy's scaling conventions.
 */
export function dctMatrix(n: number, nOut: number, type: DctType = 2, norm: DctNorm = 'ortho'): Float64Array {
  requirePositiveInt('dct length', n);
  requirePositiveInt('dct outputs', nOut);
  if (nOut > n) throw new ParameterError(`dct outputs=${nOut} exceed its length n=${n}`);
  if (norm !== null && norm !== 'ortho') throw new ParameterError(`norm='${String(norm)}' must be 'ortho' or null`);
  const M = new Float64Array(nOut * n);
  for (let k = 0; k < nOut; k++) {
    for (let i = 0; i < n; i++) M[k * n + i] = dctWeight(type, n, k, i, norm);
  }
  return M;
}

function dctWeight(type: DctType, n: number, k: number, i: number, norm: DctNorm): number {
  switch (type) {
    case 2: {
      const w = 2 * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
      if (norm === null) return w;
      return w * (k === 0 ? Math.sqrt(1 / (4 * n)) : Math.sqrt(1 / (2 * n)));
    }
    case 3: {
      const c = i === 0 ? 1 : 2 * Math.cos((Math.PI * (2 * k + 1) * i) / (2 * n));
      if (norm === null) return c;
      return i === 0 ? 1 / Math.sqrt(n) : c * Math.sqrt(1 / (2 * n));
    }
    case 1: {
      if (n < 2) throw new ParameterError('DCT type 1 needs at least 2 inputs');
      const edge = i === 0 || i === n - 1;
      let w = edge ? (i === 0 ? 1 : k % 2 === 0 ? 1 : -1) : 2 * Math.cos((Math.PI * k * i) / (n - 1));
      if (norm === null) return w;
      // scipy: x[0], x[n-1] scaled by √2, y[0], y[n-1] by 1/√2, everything by 1/√(2(n-1)).
      if (edge) w *= Math.SQRT2;
      if (k === 0 || k === n - 1) w /= Math.SQRT2;
      return w / Math.sqrt(2 * (n - 1));
    }
    default:
      throw new ParameterError(`dctType=${String(type)} must be 1, 2 or 3`);
  }
}
