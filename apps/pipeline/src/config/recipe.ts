import { FEATURE_RECIPE_VERSION, type FeatureRecipe } from '@earshot/features-mel';
import type { ExperimentConfig } from './schema.js';

/** librosa's defaults for amin, which depend on the dB kind. */
const defaultAmin = { power: 1e-10, amplitude: 1e-5 } as const;

/** The sections of an experiment that define its features. */
export type FeatureSections = Pick<ExperimentConfig, 'audio' | 'features'>;

/**
 * The one mapping from the YAML's `audio` and `features` sections (snake_case) to a feature recipe.
 * Normalisation statistics come from the training split, so the recipe starts without them.
 * `audio.duration: auto` needs `duration`, chosen from the scanned clips.
 */
export function recipeFromConfig({ audio, features: f }: FeatureSections, duration?: number): FeatureRecipe {
  const sr = audio.sr;
  const seconds = audio.duration === 'auto' ? duration : audio.duration;
  if (seconds === undefined) throw new Error('recipeFromConfig: audio.duration auto needs the duration chosen from the scan');
  return {
    version: FEATURE_RECIPE_VERSION,
    sr,
    clip: seconds === null ? null : { duration: seconds, pad: audio.pad, crop: audio.crop },
    stft: { nFft: f.n_fft, hopLength: f.hop_length, winLength: f.win_length ?? f.n_fft, window: 'hann', center: true, padMode: 'constant' },
    mel: { nMels: f.n_mels, fmin: f.fmin, fmax: f.fmax ?? sr / 2, htk: f.htk, norm: 'slaney', power: f.power },
    db: f.db.kind === 'none' ? null : { kind: f.db.kind, ref: f.db.ref, amin: f.db.amin ?? defaultAmin[f.db.kind], topDb: f.db.top_db },
    mfcc: f.n_mfcc === null ? null : { nMfcc: f.n_mfcc },
    normalization: { kind: 'none' },
  };
}
