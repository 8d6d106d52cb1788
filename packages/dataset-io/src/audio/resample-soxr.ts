import type { SoxrBinding } from '@earshot/native';

// The addon is optional: its JavaScript loads (pure, cheap) if installed; the .node file on first use.
const native = await import('@earshot/native').catch(() => null);

/** libsoxr from @earshot/native, or null with the reason (not installed, not built, failed to load). */
export function soxrBinding(): { soxr: SoxrBinding | null; status: string } {
  if (!native) return { soxr: null, status: '@earshot/native is not installed' };
  const soxr = native.loadNative()?.soxr ?? null;
  return { soxr, status: soxr ? `native ${soxr.version}` : native.nativeStatus() };
}

/**
 * librosa.resample(res_type='soxr_hq'): python-soxr's output (bit-identical: same libsoxr calls),
 * then librosa's fix_length to `outLength` (zero-padded or trimmed).
 */
export function resampleSoxr(y: Float32Array, fromSr: number, toSr: number, outLength: number): Float32Array {
  const { soxr, status } = soxrBinding();
  if (!soxr) throw new Error(`resample: soxr_hq is not available: ${status}`);
  const out = soxr.resample(y, fromSr, toSr);
  if (out.length === outLength) return out;
  if (out.length > outLength) return out.slice(0, outLength);
  const padded = new Float32Array(outLength);
  padded.set(out);
  return padded;
}
