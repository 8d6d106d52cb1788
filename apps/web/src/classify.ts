import type { Classifier, Prediction } from '@earshot/classifier';
import { clipSeconds } from './clip-seconds.js';
import { errorReason } from '@earshot/audio';

export interface Timing {
  /** The file's name (or the name passed to `earshot.classify`). */
  name: string;
  /** Wall time of `classifyAudio`: decode, resample, features, model. */
  ms: number;
  /** The clip's duration; null when it could not be read. */
  seconds: number | null;
}

export interface TimedPrediction {
  prediction: Prediction;
  timing: Timing;
}

/**
 * `pipeline predict` for one clip: classifyAudio, timed; a failure becomes a prediction with
 * `top: [], windows: []` and the reason in `error`, as predict reports it.
 */
export async function classifyTimed(classifier: Classifier, bytes: ArrayBuffer | Uint8Array, options: { topK: number; name: string }): Promise<TimedPrediction> {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { name, topK } = options;
  const t0 = performance.now();
  let prediction: Prediction;
  try {
    prediction = await classifier.classifyAudio(data, { topK, name });
  } catch (err) {
    prediction = { path: name, top: [], windows: [], error: errorReason(err) };
  }
  const ms = performance.now() - t0;
  const seconds = prediction.error === undefined ? await clipSeconds(data) : null;
  return { prediction, timing: { name, ms, seconds } };
}
