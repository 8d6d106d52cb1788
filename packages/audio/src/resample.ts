import { loadSoxrWasm, loadSoxrWasmSync } from './soxr-wasm.js';
import { loadSpeex, resampleSpeex, speexLoaded, type ResampleQuality } from './resample-speex.js';

export type { ResampleQuality } from './resample-speex.js';

/**
 * The resampler that ran, by librosa's `res_type` name: 'soxr_hq' (librosa 0.11's default: libsoxr,
 * called as python-soxr calls it) or 'speex' (features within ~0.02 dB of librosa's). Features differ
 * slightly between them, so caches and runs record which.
 */
export type ResType = 'soxr_hq' | 'speex';
/** 'auto' is soxr_hq, which every runtime has (natively or in WebAssembly). */
export type ResTypeOption = ResType | 'auto';

export interface ResampleOptions {
  /** Default 'auto' (soxr_hq). */
  resType?: ResTypeOption;
  /** Speex quality, for res_type 'speex' only. Default 'hq'. */
  quality?: ResampleQuality;
}

/** libsoxr called as python-soxr calls it: python-soxr's output length (about n·toSr/fromSr). */
export interface SoxrEngine {
  resample(y: Float32Array, inRate: number, outRate: number): Float32Array;
  readonly version: string;
}

/** A native libsoxr (earshot's Node addon) takes soxr_hq's place when registered: same samples, faster. */
let nativeSoxr: SoxrEngine | null = null;

/**
 * Registers (or, with null, forgets) a native libsoxr for soxr_hq. Its output must equal the
 * WebAssembly build's: both are libsoxr 0.1.3's single-precision SIMD engine.
 */
export function useNativeSoxr(engine: SoxrEngine | null): void {
  nativeSoxr = engine;
}

/** Which resampler `resType` means. */
export function resolveResType(resType: ResTypeOption = 'auto'): ResType {
  if (resType === 'speex') return 'speex';
  if (resType !== 'soxr_hq' && resType !== 'auto') throw new Error(`resample: unknown res_type '${String(resType)}' (expected auto, soxr_hq or speex)`);
  return 'soxr_hq';
}

/** What runs soxr_hq here: "native libsoxr-0.1.3" or "libsoxr-0.1.3 (WebAssembly)". */
export function resamplerStatus(): string {
  return nativeSoxr ? `native ${nativeSoxr.version}` : `${loadSoxrWasmSync().version} (WebAssembly)`;
}

/**
 * Loads `resType`'s WebAssembly, so that `resample` can run synchronously. Browsers must await
 * this before resampling on the main thread (they refuse to compile large modules synchronously);
 * Node compiles soxr on first use but needs it for speex.
 */
export async function prepareResampler(resType: ResTypeOption = 'auto'): Promise<void> {
  if (resolveResType(resType) === 'speex') await loadSpeex();
  else if (!nativeSoxr) await loadSoxrWasm();
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
  if (resType === 'speex') {
    if (!speexLoaded()) throw new Error("resample: res_type 'speex' is not loaded: await prepareResampler('speex') first");
    return resampleSpeex(y, fromSr, toSr, outLength, options.quality ?? 'hq');
  }
  const soxr = nativeSoxr ?? loadSoxrWasmSync();
  return fixLength(soxr.resample(y, fromSr, toSr), outLength);
}

/** librosa's fix_length: python-soxr's output zero-padded or trimmed to `length`. */
function fixLength(out: Float32Array, length: number): Float32Array {
  if (out.length === length) return out;
  if (out.length > length) return out.slice(0, length);
  const padded = new Float32Array(length);
  padded.set(out);
  return padded;
}
