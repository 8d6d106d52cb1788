/** A fixed clip duration for a dataset, with the reason it was chosen. */
export interface DurationChoice {
  seconds: number;
  reason: string;
}

/** Clips within this much of one another count as one length (encoders pad by a few ms). */
const SAME_LENGTH_SECONDS = 0.01;
const PERCENTILE = 0.95;

/**
 * The duration to pad or crop every clip to: their common length when they share one; otherwise
 * the 95th percentile rounded up to 0.1 s, so a long outlier does not pad every clip to its length
 * while at most about 5% of clips lose their tail.
 */
export function chooseDuration(durations: readonly number[]): DurationChoice {
  const sorted = durations.filter((d) => Number.isFinite(d) && d > 0).sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError('chooseDuration: no clip has a positive duration');
  const [min, max] = [sorted[0]!, sorted[sorted.length - 1]!];
  if (max - min <= SAME_LENGTH_SECONDS) {
    const seconds = Math.round(max * 1000) / 1000;
    return { seconds, reason: `every clip is ${seconds} s long` };
  }
  const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(PERCENTILE * sorted.length) - 1)]!;
  const seconds = Math.ceil(p95 * 10 - 1e-9) / 10;
  const cropped = sorted.filter((d) => d > seconds + 1e-9).length;
  return {
    seconds,
    reason: `95% of clips are at most ${p95.toFixed(3)} s (clips ${min.toFixed(2)}–${max.toFixed(2)} s); ${cropped} of ${sorted.length} longer clips are cropped, shorter ones padded`,
  };
}
