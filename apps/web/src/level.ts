/** The quietest level the meter shows (dBFS); silence reads as this. */
export const LEVEL_FLOOR_DB = -90;

/** Root mean square of a chunk in dB relative to full scale (1.0), clamped to [LEVEL_FLOOR_DB, 0]. */
export function rmsDbfs(chunk: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < chunk.length; i++) sum += chunk[i]! * chunk[i]!;
  const rms = chunk.length > 0 ? Math.sqrt(sum / chunk.length) : 0;
  const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
  return Math.min(0, Math.max(LEVEL_FLOOR_DB, db));
}

/** Where `db` sits on a meter from `floor` to 0 dBFS, 0…1. */
export function levelFraction(db: number, floor = -60): number {
  return Math.min(1, Math.max(0, (db - floor) / -floor));
}
