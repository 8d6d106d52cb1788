import { ParameterError } from './errors.js';

/**
 * Periodic Hann window of length `winLength` (scipy `get_window('hann', n, fftbins=True)`),
 * zero-padded centered to `nFft` as `librosa.util.pad_center`. Float64, as librosa keeps it.
 */
export function hannWindow(winLength: number, nFft: number = winLength): Float64Array {
  if (winLength > nFft) {
    throw new ParameterError(`winLength=${winLength} must be <= nFft=${nFft}`);
  }
  const out = new Float64Array(nFft);
  const left = Math.floor((nFft - winLength) / 2);
  if (winLength === 1) {
    out[left] = 1;
    return out;
  }
  // scipy evaluates 0.5 + 0.5 cos(theta) on linspace(-pi, pi, M + 1) and drops the last point.
  const step = (2 * Math.PI) / winLength;
  for (let n = 0; n < winLength; n++) {
    const theta = -Math.PI + n * step;
    out[left + n] = 0.5 + 0.5 * Math.cos(theta);
  }
  return out;
}
