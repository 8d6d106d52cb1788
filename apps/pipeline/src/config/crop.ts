import type { ExperimentConfig } from './schema.js';

/** The YAML key, named by every error about it. */
export const RANDOM_CROP_KEY = 'train.augment.random_crop';

/**
 * `train.augment.random_crop` (seconds) as frames of the recipe's hop at audio.sr, rounded to the
 * nearest frame; null when cropping is off. Users think in seconds; the trainer crops frames.
 */
export function randomCropFrames(config: Pick<ExperimentConfig, 'audio' | 'features' | 'train'>): number | null {
  const seconds = config.train.augment?.random_crop ?? null;
  if (seconds === null) return null;
  return Math.round((seconds * config.audio.sr) / config.features.hop_length);
}

/**
 * `train.augment.random_crop_top_db` when crops are judged by it: a crop, on dB mel features (the
 * loudness of a frame is its mean over bands; MFCCs and linear spectrograms have no such measure).
 */
export function randomCropTopDb(config: Pick<ExperimentConfig, 'audio' | 'features' | 'train'>): number | null {
  const topDb = config.train.augment?.random_crop_top_db ?? null;
  const dbMel = config.features.n_mfcc === null && config.features.db.kind !== 'none';
  return topDb !== null && dbMel && randomCropFrames(config) !== null ? topDb : null;
}
