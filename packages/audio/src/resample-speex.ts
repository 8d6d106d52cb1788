import loadSpeexModule from '@echogarden/speex-resampler-wasm/simd';

/**
 * Speex resampler quality (WASM + SIMD, a windowed-sinc polyphase filter): res_type 'speex' only.
 * 'hq' (Speex quality 8) is the closest match to librosa's soxr_hq that we measured, and also fast;
 * see README for the error/speed table.
 */
export type ResampleQuality = 'hq' | 'medium' | 'fast';

const SPEEX_QUALITY: Record<ResampleQuality, number> = { hq: 8, medium: 6, fast: 4 };

type Speex = Awaited<ReturnType<typeof loadSpeexModule>>;
let speex: Speex | undefined;
let loading: Promise<Speex> | undefined;

/** Loads the speex WebAssembly once (its glue fetches or reads its .wasm beside it). */
export async function loadSpeex(): Promise<void> {
  loading ??= loadSpeexModule();
  speex = await loading;
}

export function speexLoaded(): boolean {
  return speex !== undefined;
}

/** One resampler state per (rates, quality): building its filter table is the expensive part. */
const states = new Map<string, number>();

function stateFor(speex: Speex, fromSr: number, toSr: number, quality: ResampleQuality): number {
  const key = `${fromSr}>${toSr}@${quality}`;
  let state = states.get(key);
  if (state === undefined) {
    const errPtr = speex._malloc(4);
    state = speex._speex_resampler_init(1, fromSr, toSr, SPEEX_QUALITY[quality], errPtr);
    const err = speex.HEAPU32[errPtr >> 2]!;
    speex._free(errPtr);
    if (!state || err !== 0) throw new Error(`resample: cannot build a resampler for ${fromSr} → ${toSr} Hz (speex error ${err})`);
    states.set(key, state);
  } else {
    speex._speex_resampler_reset_mem(state);
  }
  return state;
}

/**
 * Speex's resampling of mono audio to `outLength` samples (librosa's length): sample k at time
 * k / toSr (the filter delay is compensated, no shift), zero-padded past the end. Rates are checked
 * by the caller.
 */
export function resampleSpeex(y: Float32Array, fromSr: number, toSr: number, outLength: number, quality: ResampleQuality): Float32Array {
  if (!(quality in SPEEX_QUALITY)) throw new Error(`resample: unknown quality '${quality}' (expected hq, medium or fast)`);
  if (!speex) throw new Error('resample: speex is not loaded (await loadSpeex())');
  if (y.length === 0) return new Float32Array(0);

  const state = stateFor(speex, fromSr, toSr, quality);
  speex._speex_resampler_skip_zeros(state);
  // Feeding `latency` trailing zeros flushes the filter so the last output samples are complete.
  const inLength = y.length + speex._speex_resampler_get_input_latency(state);
  const inPtr = speex._malloc(inLength * 4);
  const outPtr = speex._malloc((outLength + 1) * 4);
  const lengthsPtr = speex._malloc(8);
  try {
    const heap = speex.HEAPF32;
    heap.set(y, inPtr >> 2);
    heap.fill(0, (inPtr >> 2) + y.length, (inPtr >> 2) + inLength);
    speex.HEAPU32[lengthsPtr >> 2] = inLength;
    speex.HEAPU32[(lengthsPtr >> 2) + 1] = outLength;
    const err = speex._speex_resampler_process_float(state, 0, inPtr, lengthsPtr, outPtr, lengthsPtr + 4);
    if (err !== 0) throw new Error(`resample: speex error ${err}`);
    const written = speex.HEAPU32[(lengthsPtr >> 2) + 1]!;
    const out = new Float32Array(outLength);
    out.set(speex.HEAPF32.subarray(outPtr >> 2, (outPtr >> 2) + Math.min(written, outLength)));
    return out;
  } finally {
    speex._free(inPtr);
    speex._free(outPtr);
    speex._free(lengthsPtr);
  }
}
