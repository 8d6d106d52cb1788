import { Xoshiro128 } from '@earshot/random';
import { arraySource, type BatchSource } from '../src/index.js';

/**
 * Synthetic "log-mel spectrograms": noise plus a class-specific band (class c lights mel rows near
 * c·rows/nClasses) that starts at a random frame, so a CNN must learn a frequency pattern.
 */
export function syntheticSpectrograms(n: number, rows: number, cols: number, nClasses: number, seed: number): BatchSource {
  const rng = new Xoshiro128(seed);
  const labels = Int32Array.from({ length: n }, (_, i) => i % nClasses);
  const data = new Float32Array(n * rows * cols);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    const band = Math.floor(((c + 0.5) * rows) / nClasses);
    const onset = rng.int(Math.floor(cols / 2));
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < cols; t++) {
        const lit = Math.abs(r - band) <= 1 && t >= onset ? 2.5 : 0;
        data[(i * rows + r) * cols + t] = lit + rng.normal() * 0.7;
      }
    }
  }
  return arraySource(data, labels, [rows, cols]);
}
