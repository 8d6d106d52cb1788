import { resampleSoxr, soxrBinding } from './resample-soxr.js';
import { resampleSpeex, type ResampleQuality } from './resample-speex.js';

export type { ResampleQuality } from './resample-speex.js';

/**
 * The resampler that ran, by librosa's `res_type` name: 'soxr_hq' (librosa 0.11's default, libsoxr
 * through the native addon: bit-identical to librosa) or 'speex' (WebAssembly; features within
 * ~0.02 dB of librosa's). Features differ slightly between them, so caches and runs record which.
 */
export type ResType = 'soxr_hq' | 'speex';
/** 'auto': soxr_hq where the native addon is built, speex otherwise. */
export type ResTypeOption = ResType | 'auto';

export interface ResampleOptions {
  /** Default 'auto'. */
  resType?: ResTypeOption;
  /** Speex quality, for res_type 'speex' only. Default 'hq'. */
  quality?: ResampleQuality;
}

export class ResamplerUnavailableError extends Error {
  constructor(readonly resType: ResType, reason: string) {
    super(`res_type '${resType}' is not available: ${reason}`);
    this.name = 'ResamplerUnavailableError';
  }
}

/** Which resampler `resType` means on this machine; throws ResamplerUnavailableError for soxr_hq without the addon. */
export function resolveResType(resType: ResTypeOption = 'auto'): ResType {
  if (resType === 'speex') return 'speex';
  if (resType !== 'soxr_hq' && resType !== 'auto') throw new Error(`resample: unknown res_type '${String(resType)}' (expected auto, soxr_hq or speex)`);
  const { soxr, status } = soxrBinding();
  if (soxr) return 'soxr_hq';
  if (resType === 'auto') return 'speex';
  throw new ResamplerUnavailableError('soxr_hq', status);
}

/** Why 'auto' picks what it picks: "native libsoxr-0.1.3", or "soxr_hq unavailable: <why, and how to get it>". */
export function resamplerStatus(): string {
  const { soxr, status } = soxrBinding();
  return soxr ? status : `soxr_hq unavailable: ${status}`;
}

/** librosa.resample's output length (fix=True): ceil(n · ratio), with ratio as librosa computes it. */
export function resampledLength(n: number, fromSr: number, toSr: number): number {
  return Math.ceil(n * (toSr / fromSr));
}

/**
 * Resamples mono audio as librosa.resample(fix=True) does: output length ceil(n · toSr / fromSr),
 * sample k at time k / toSr (no delay), zero-padded past the end.
 */
export function resample(y: Float32Array, fromSr: number, toSr: number, options: ResampleOptions = {}): Float32Array {
  if (!(fromSr > 0) || !(toSr > 0) || !Number.isInteger(fromSr) || !Number.isInteger(toSr)) {
    throw new Error(`resample: sample rates must be positive integers, got ${fromSr} → ${toSr}`);
  }
  const resType = resolveResType(options.resType);
  if (fromSr === toSr) return y.slice();
  const outLength = resampledLength(y.length, fromSr, toSr);
  if (resType === 'soxr_hq') return resampleSoxr(y, fromSr, toSr, outLength);
  return resampleSpeex(y, fromSr, toSr, outLength, options.quality ?? 'hq');
}
