import { z } from 'zod';
import { amplitudeToDb, powerToDbInto } from './db.js';
import { ParameterError, requireFiniteNumber, requirePositiveInt } from './errors.js';
import { fixLength } from './fix-length.js';
import { emptyMelFilters } from './mel-range.js';
import { createMelExtractor, type MelExtractorRuntime } from './mel.js';
import { mfccFromLogMel } from './mfcc.js';
import { normalizeInto } from './normalize.js';
import type { Matrix } from './types.js';

/** The version of the recipe format; bumped when a field's meaning changes. */
export const FEATURE_RECIPE_VERSION = 1;

const positive = z.number().positive();
const positiveInt = z.number().int().positive();

/**
 * Everything that turns a mono waveform at `sr` into the model's input, in librosa's vocabulary:
 * fix the length → mel spectrogram → dB → (MFCC) → normalise. It is plain data (JSON-safe), saved
 * with a trained model in its `preprocess.json`, so inference anywhere computes exactly the
 * training features. This schema is the recipe's one definition: its type, and the validation of
 * recipes read from files.
 */
export const featureRecipeSchema = z.object({
  version: z.literal(FEATURE_RECIPE_VERSION),
  /** Sample rate of the waveform the recipe takes (librosa.load's `sr`). */
  sr: positive,
  /** Pad/crop every clip to `duration` seconds (`round(duration · sr)` samples), or null to keep each clip's length. */
  clip: z
    .object({
      duration: positive,
      pad: z.enum(['zeros', 'wrap', 'reflect']),
      /** Which part of a longer clip to keep; 'random' needs a seeded generator per clip. */
      crop: z.enum(['start', 'center', 'random']),
    })
    .nullable(),
  stft: z.object({
    nFft: positiveInt,
    hopLength: positiveInt,
    winLength: positiveInt,
    window: z.literal('hann'),
    center: z.boolean(),
    padMode: z.enum(['constant', 'reflect', 'edge']),
  }),
  mel: z.object({
    nMels: positiveInt,
    fmin: z.number().nonnegative(),
    fmax: positive,
    htk: z.boolean(),
    norm: z.literal('slaney').nullable(),
    /** Exponent of the magnitude: 2 power, 1 magnitude. */
    power: positive,
  }),
  /** `power_to_db` (kind 'power') or `amplitude_to_db` (kind 'amplitude'); null: the linear mel spectrogram. */
  db: z
    .object({ kind: z.enum(['power', 'amplitude']), ref: z.union([z.literal('max'), positive]), amin: positive, topDb: positive.nullable() })
    .nullable(),
  /** `librosa.feature.mfcc` coefficients of the dB mel spectrogram, or null for the spectrogram itself. */
  mfcc: z.object({ nMfcc: positiveInt }).nullable(),
  normalization: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }),
    z.object({
      kind: z.literal('standardize'),
      scope: z.enum(['global', 'per-band']),
      mean: z.array(z.number()).min(1),
      std: z.array(positive).min(1),
    }),
  ]),
});

export type FeatureRecipe = z.output<typeof featureRecipeSchema>;
export type ClipSpec = NonNullable<FeatureRecipe['clip']>;
export type ClipPad = ClipSpec['pad'];
export type ClipCrop = ClipSpec['crop'];
export type StftSpec = FeatureRecipe['stft'];
export type MelSpec = FeatureRecipe['mel'];
export type DbSpec = NonNullable<FeatureRecipe['db']>;

/** How one clip is cropped when longer than the recipe's duration (training crops at random, seeded per clip). */
export interface CropChoice {
  crop?: ClipCrop;
  /** Uniform [0, 1) generator for crop 'random'. */
  random?: () => number;
}

export interface RecipeExtractor {
  readonly recipe: FeatureRecipe;
  /** Samples of a fixed-length clip, or null when clips keep their own length. */
  readonly clipLength: number | null;
  /** Whether the mel frames run in the WebAssembly SIMD kernel (bit-identical to the TypeScript path). */
  readonly usesWasm: boolean;
  /** [rows, frames] of the features of a waveform of `length` samples (the clip length when fixed). */
  shape(length?: number): [number, number];
  /** The waveform padded or cropped to the clip length (a copy), or `y` itself when clips keep their length. */
  clip(y: Float32Array, choice?: CropChoice): Float32Array;
  /** Clip → mel → dB → MFCC, before normalisation: the tensor a feature cache stores. */
  features(y: Float32Array, choice?: CropChoice): Matrix;
  /** The recipe's normalisation, in place. */
  normalize(M: Matrix): Matrix;
  /** `features` then `normalize`: the model's input for one waveform. */
  input(y: Float32Array, choice?: CropChoice): Matrix;
}

/** Rows of the recipe's features: mel bands, or MFCC coefficients. */
export function featureRows(recipe: FeatureRecipe): number {
  return recipe.mfcc ? Math.min(recipe.mfcc.nMfcc, recipe.mel.nMels) : recipe.mel.nMels;
}

/** Rejects recipes that cannot run or would give meaningless features, naming the key (`mel.fmax`, `clip.duration`, …). */
export function checkRecipe(recipe: FeatureRecipe): void {
  if (recipe.version !== FEATURE_RECIPE_VERSION) {
    throw new ParameterError(`recipe version ${String(recipe.version)} is not supported (this code reads version ${FEATURE_RECIPE_VERSION})`, 'version');
  }
  const positive = (key: string, value: number) => {
    if (requireFiniteNumber(key, value) <= 0) throw new ParameterError(`${key}=${value} must be positive`, key);
  };
  positive('sr', recipe.sr);
  if (recipe.clip) positive('clip.duration', recipe.clip.duration);
  const { nFft, hopLength, winLength } = recipe.stft;
  requirePositiveInt('stft.nFft', nFft);
  requirePositiveInt('stft.hopLength', hopLength);
  requirePositiveInt('stft.winLength', winLength);
  if (winLength > nFft) throw new ParameterError(`stft.winLength=${winLength} must be at most stft.nFft=${nFft}`, 'stft.winLength');
  checkMelRange(recipe);
  if (recipe.db) positive('db.amin', recipe.db.amin);
  if (recipe.db?.ref !== undefined && recipe.db.ref !== 'max') positive('db.ref', recipe.db.ref);
  if (recipe.db?.topDb != null) positive('db.topDb', recipe.db.topDb);
  if (recipe.mfcc) requirePositiveInt('mfcc.nMfcc', recipe.mfcc.nMfcc);
  const norm = recipe.normalization;
  if (norm.kind === 'standardize') {
    const expected = norm.scope === 'global' ? 1 : featureRows(recipe);
    for (const key of ['mean', 'std'] as const) {
      if (norm[key].length !== expected) {
        throw new ParameterError(`normalization.${key} has ${norm[key].length} values, expected ${expected} for scope '${norm.scope}'`, `normalization.${key}`);
      }
    }
  }
}

/** 0 ≤ fmin < fmax ≤ sr/2 (Nyquist), and every mel filter gets at least one FFT bin. */
function checkMelRange({ sr, stft, mel }: FeatureRecipe): void {
  requirePositiveInt('mel.nMels', mel.nMels);
  if (!(requireFiniteNumber('mel.power', mel.power) > 0)) throw new ParameterError(`mel.power=${mel.power} must be positive`, 'mel.power');
  if (requireFiniteNumber('mel.fmin', mel.fmin) < 0) throw new ParameterError(`mel.fmin=${mel.fmin} must be ≥ 0`, 'mel.fmin');
  if (!(requireFiniteNumber('mel.fmax', mel.fmax) > mel.fmin)) {
    throw new ParameterError(`mel.fmax=${mel.fmax} must be above mel.fmin=${mel.fmin}`, 'mel.fmax');
  }
  if (mel.fmax > sr / 2) {
    throw new ParameterError(`mel.fmax=${mel.fmax} must be at most sr/2=${sr / 2} (Nyquist): a signal at sr=${sr} has nothing above it`, 'mel.fmax');
  }
  const empty = emptyMelFilters({ sr, nFft: stft.nFft, nMels: mel.nMels, fmin: mel.fmin, fmax: mel.fmax, htk: mel.htk });
  if (empty.length) {
    throw new ParameterError(
      `mel.nMels=${mel.nMels} with stft.nFft=${stft.nFft}: ${empty.length} mel band${empty.length === 1 ? '' : 's'} (first: band ${empty[0]! + 1}) ` +
        `get no FFT bin (bins are sr/nFft=${+(sr / stft.nFft).toPrecision(4)} Hz apart between fmin=${mel.fmin} and fmax=${mel.fmax}); lower nMels or raise nFft`,
      'mel.nMels',
    );
  }
}

/** Validates a recipe read from a file (shape and rules); the error names `source` and each bad key. */
export function parseRecipe(value: unknown, source = 'recipe'): FeatureRecipe {
  const result = featureRecipeSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ParameterError(`${source} is invalid: ${problems}`);
  }
  try {
    checkRecipe(result.data);
  } catch (error) {
    throw new ParameterError(`${source} is invalid: ${(error as Error).message}`);
  }
  return result.data;
}

/**
 * Builds the extractor of a recipe once (FFT plan, window, sparse filterbank); each call then costs
 * only the signal's own work. One per thread: it keeps scratch state.
 */
export function createRecipeExtractor(recipe: FeatureRecipe, runtime: MelExtractorRuntime = {}): RecipeExtractor {
  checkRecipe(recipe);
  const { sr, stft, mel, db, mfcc, clip: clipSpec } = recipe;
  const mels = createMelExtractor({ sr, ...stft, ...mel }, runtime);
  const clipLength = clipSpec ? Math.round(clipSpec.duration * sr) : null;
  const rows = featureRows(recipe);

  const clip = (y: Float32Array, choice: CropChoice = {}): Float32Array => {
    if (!clipSpec || clipLength === null) return y;
    const crop = choice.crop ?? clipSpec.crop;
    return fixLength(y, clipLength, { pad: clipSpec.pad, crop, ...(choice.random && { random: choice.random }) });
  };

  const toDb = (S: Matrix): Matrix => {
    if (db?.kind === 'power') {
      powerToDbInto(S.data, S.data, db); // in place: S is this call's own tensor
      return S;
    }
    if (db?.kind === 'amplitude') return amplitudeToDb(S, db);
    return S;
  };

  const features = (y: Float32Array, choice?: CropChoice): Matrix => {
    const S = toDb(mels.compute(clip(y, choice)));
    return mfcc ? mfccFromLogMel(S, { nMfcc: mfcc.nMfcc }) : S;
  };

  const normalize = (M: Matrix): Matrix => {
    normalizeInto(M.data, recipe.normalization, [M.rows, M.cols]);
    return M;
  };

  return {
    recipe,
    clipLength,
    usesWasm: mels.usesWasm,
    shape(length?: number) {
      const n = clipLength ?? length;
      if (n === undefined) throw new ParameterError('shape: this recipe keeps each clip\'s length, so pass the waveform length');
      return [rows, mels.frameCount(n)];
    },
    clip,
    features,
    normalize,
    input: (y, choice) => normalize(features(y, choice)),
  };
}
