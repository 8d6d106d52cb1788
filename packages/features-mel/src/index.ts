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
export { encodeNpy, decodeNpy, type NpyArray, type NpyDtype } from './npy.js';
