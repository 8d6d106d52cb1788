import { loadAudio, type ResTypeOption } from '@earshot/dataset-io';
import { Mulberry32 } from '@earshot/random';
import { createRecipeExtractor, type ClipCrop, type FeatureRecipe, type Matrix } from '@earshot/features-mel';

/**
 * Bumped whenever decoding, resampling or the DSP changes what a feature tensor holds for the same
 * recipe, so the cache never serves tensors computed by older code.
 */
export const FEATURE_CODE_VERSION = 'earshot-logmel-2';

/** Which crop a clip gets: random crops are for training clips only, seeded per clip. */
export interface ClipChoice {
  crop: ClipCrop;
  /** Seed for crop 'random' (see `cropSeed`). */
  seed?: number;
}

/** A 32-bit seed from the experiment seed and a hex content hash: a clip's random crop follows its content. */
export function cropSeed(seed: number, audioHash: string): number {
  return (Number.parseInt(audioHash.slice(0, 8), 16) ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
}

/**
 * An audio file's bytes → `librosa.load(sr=recipe.sr, res_type=resType)` → the recipe's features
 * (before normalisation). One per thread: the extractor keeps its FFT plan, window and filterbank.
 * The resampler sits beside the recipe, not in it: the recipe starts from a waveform at `sr`,
 * however it was made (a browser's decoder resamples on its own).
 */
export function createFileFeatures(recipe: FeatureRecipe, resType: ResTypeOption = 'auto') {
  const extractor = createRecipeExtractor(recipe);

  /** The file's mono waveform at the recipe's rate, at its own length. */
  async function waveform(bytes: Uint8Array): Promise<Float32Array> {
    return (await loadAudio(bytes, { sr: recipe.sr, mono: true, resType })).y;
  }

  async function fromBytes(bytes: Uint8Array, choice?: ClipChoice): Promise<Matrix> {
    const y = await waveform(bytes);
    const crop = choice?.crop;
    return extractor.features(y, { ...(crop && { crop }), ...(crop === 'random' && { random: new Mulberry32(choice?.seed ?? 0).toFunction() }) });
  }

  return { extractor, waveform, fromBytes };
}

export type FileFeatures = ReturnType<typeof createFileFeatures>;
