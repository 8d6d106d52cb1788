import { fftFrequencies, melFrequencies } from './convert.js';
import type { ResolvedMelOptions } from './filterbank.js';

/** What decides which FFT bins fall in which mel band (the filterbank's options but its norm). */
export type MelRange = Omit<ResolvedMelOptions, 'norm'>;

/**
 * Mel filters (0-based) that no FFT bin falls inside: librosa.filters.mel warns "Empty filters
 * detected" and leaves those rows all zero, so the band is constant and a model learns nothing
 * from it. A filter m weighs bin k when melF[m] < f_k < melF[m + 2] (both triangle sides positive).
 * O(nMels + bins) in float64, with no filterbank built.
 */
export function emptyMelFilters({ sr, nFft, nMels, fmin, fmax, htk }: MelRange): number[] {
  const melF = melFrequencies(nMels + 2, fmin, fmax, htk);
  const freqs = fftFrequencies(sr, nFft);
  const empty: number[] = [];
  let k = 0;
  for (let m = 0; m < nMels; m++) {
    const lower = melF[m]!;
    const upper = melF[m + 2]!;
    // Edges rise with m, so the first bin above `lower` only moves forward.
    while (k < freqs.length && freqs[k]! <= lower) k++;
    if (!(k < freqs.length && freqs[k]! < upper)) empty.push(m);
  }
  return empty;
}
