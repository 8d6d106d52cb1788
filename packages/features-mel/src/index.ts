export type {
  AmplitudeToDbOptions,
  ComplexMatrix,
  Matrix,
  MelOptions,
  MelSpectrogramOptions,
  PadMode,
  PowerToDbOptions,
  StftOptions,
} from './types.js';
export { ParameterError } from './errors.js';
export { hannWindow } from './window.js';
export { frameCount, resolveStftOptions, type ResolvedStftOptions } from './frames.js';
export { createRealFft, type RealFft } from './fft.js';
export { stft, spectrogram, magnitudeSpectrogram, powerSpectrogram, FrameAnalyzer } from './stft.js';
export { hzToMel, melToHz, melFrequencies, fftFrequencies } from './convert.js';
export {
  melFilterbank,
  resolveMelOptions,
  toSparse,
  applySparse,
  type ResolvedMelOptions,
  type SparseFilterbank,
} from './filterbank.js';
export { melSpectrogram, melSpectrogramDb, createMelExtractor, sharedMelExtractor, type MelExtractor, type MelExtractorRuntime } from './mel.js';
export { powerToDb, amplitudeToDb, powerToDbInto } from './db.js';
export { dctMatrix, type DctType, type DctNorm } from './dct.js';
export { mfcc, mfccFromLogMel, type MfccOptions, type DctOptions } from './mfcc.js';
export { delta, type DeltaOptions } from './delta.js';
export {
  encodeNpy,
  encodeNpyHeader,
  encodeNpyInt64,
  encodeNpyStrings,
  decodeNpy,
  type NpyArray,
  type NpyDtype,
  type NpyEncodedDtype,
} from './npy.js';
export { fixLength, type FixLengthOptions } from './fix-length.js';
export { emptyMelFilters, type MelRange } from './mel-range.js';
export { normalizeInto, type Normalization } from './normalize.js';
export {
  FEATURE_RECIPE_VERSION,
  checkRecipe,
  createRecipeExtractor,
  featureRecipeSchema,
  featureRows,
  parseRecipe,
  type ClipCrop,
  type ClipPad,
  type ClipSpec,
  type CropChoice,
  type DbSpec,
  type FeatureRecipe,
  type MelSpec,
  type RecipeExtractor,
  type StftSpec,
} from './recipe.js';
