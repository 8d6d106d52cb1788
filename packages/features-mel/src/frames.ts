import { ParameterError, requirePositiveInt } from './errors.js';
import type { PadMode, StftOptions } from './types.js';

/** STFT options with librosa's defaults applied and validated. */
export interface ResolvedStftOptions {
  nFft: number;
  hopLength: number;
  winLength: number;
  center: boolean;
  padMode: PadMode;
}

const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'edge'];

export function resolveStftOptions(opts: StftOptions = {}): ResolvedStftOptions {
  const nFft = requirePositiveInt('nFft', opts.nFft ?? 2048);
  const winLength = requirePositiveInt('winLength', opts.winLength ?? nFft);
  if (winLength > nFft) throw new ParameterError(`winLength=${winLength} must be <= nFft=${nFft}`);
  const hopLength = requirePositiveInt('hopLength', opts.hopLength ?? Math.floor(winLength / 4));
  const window = opts.window ?? 'hann';
  if (window !== 'hann') throw new ParameterError(`window='${String(window)}' is not supported (only 'hann')`);
  const padMode = opts.padMode ?? 'constant';
  if (!PAD_MODES.includes(padMode)) {
    throw new ParameterError(`padMode='${String(padMode)}' must be one of ${PAD_MODES.join(', ')}`);
  }
  return { nFft, hopLength, winLength, center: opts.center ?? true, padMode };
}

/** Number of STFT frames librosa produces for a signal of `length` samples. Throws where librosa raises. */
export function frameCount(length: number, opts: StftOptions = {}): number {
  const { nFft, hopLength, center, padMode } = resolveStftOptions(opts);
  const padded = center ? length + 2 * Math.floor(nFft / 2) : length;
  if (center && padMode !== 'constant' && length === 0) {
    throw new ParameterError(`padMode='${padMode}' cannot pad an empty signal (use 'constant')`);
  }
  if (padded < nFft) {
    throw new ParameterError(
      center
        ? `nFft=${nFft} is too large for a centered signal of length=${length}`
        : `nFft=${nFft} is too large for uncentered analysis of input signal of length=${length}`,
    );
  }
  return 1 + Math.floor((padded - nFft) / hopLength);
}

/**
 * Maps an index of the (virtually) padded signal to a sample of y, or -1 for a zero sample.
 * Matches numpy.pad for 'constant', 'edge' and 'reflect' (reflect repeats when the pad exceeds the signal).
 */
export function paddedIndex(i: number, length: number, padMode: PadMode): number {
  if (i >= 0 && i < length) return i;
  if (padMode === 'constant') return -1;
  if (padMode === 'edge' || length === 1) return i < 0 ? 0 : length - 1;
  const period = 2 * (length - 1);
  let j = i % period;
  if (j < 0) j += period;
  return j < length ? j : period - j;
}
