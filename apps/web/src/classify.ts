import type { Classifier, Prediction } from '@earshot/classifier';
import { errorReason } from '@earshot/audio';

export interface Timing {
  /** The file's name (or the name passed to `earshot.classify`). */
  name: string;
  /** Wall time of decode, resample, features and model. */
  ms: number;
  /** The clip's duration (its frames at its native rate); null when it could not be decoded. */
  seconds: number | null;
}

export interface TimedPrediction {
  prediction: Prediction;
  timing: Timing;
}

/**
 * `pipeline predict` for one clip (`classifyAudio`, with the decoded clip's duration kept), timed; a
 * failure becomes a prediction with `top: [], windows: []` and the reason in `error`, as predict reports it.
 */
export async function classifyTimed(classifier: Classifier, bytes: ArrayBuffer | Uint8Array, options: { topK: number; name: string }): Promise<TimedPrediction> {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { name, topK } = options;
  const t0 = performance.now();
  let prediction: Prediction;
  let seconds: number | null = null;
  try {
    const waveform = await classifier.decode(data, name);
    prediction = await classifier.classifyWaveform(waveform.y, { topK, name });
    seconds = waveform.frames / waveform.nativeSr;
  } catch (err) {
    prediction = { path: name, top: [], windows: [], error: errorReason(err) };
  }
  return { prediction, timing: { name, ms: performance.now() - t0, seconds } };
}
