import { fixLength, loadAudio, mulberry32 } from '@earshot/dataset-io';
import { amplitudeToDb, createMelExtractor, mfcc, powerToDbInto } from '@earshot/features-mel';
import type { DecodeOptions, FeatureOptions } from '../config/options.js';

/**
 * Bumped whenever this file or the DSP it calls changes what a feature tensor holds,
 * so the cache never serves tensors computed by older code.
 */
export const FEATURE_CODE_VERSION = 'earshot-logmel-2';

export interface FeatureTensor {
  data: Float32Array;
  /** [rows, cols] = [n_mels (or n_mfcc), frames], as librosa lays it out. */
  shape: [number, number];
}

/** Which crop a given clip gets: random crops are per training clip and seeded. */
export interface CropChoice {
  crop: DecodeOptions['crop'];
  /** Seed for `crop: random` (derived from the experiment seed and the clip's hash). */
  seed?: number;
}

/** A 32-bit seed from the experiment seed and a hex content hash. */
export function cropSeed(seed: number, audioHash: string): number {
  return (Number.parseInt(audioHash.slice(0, 8), 16) ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
}

/**
 * Decode → mono → resample → fixed length → mel → dB, for one file's bytes.
 * One instance per thread: the mel extractor keeps its FFT plan, window and filterbank.
 */
export function createFeaturePipeline(decode: DecodeOptions, features: FeatureOptions) {
  const melOptions = {
    sr: features.sr,
    nFft: features.nFft,
    hopLength: features.hopLength,
    winLength: features.winLength,
    nMels: features.nMels,
    fmin: features.fmin,
    fmax: features.fmax,
    htk: features.htk,
    power: features.power,
  };
  const extractor = features.nMfcc === undefined ? createMelExtractor(melOptions) : undefined;

  function toDb(S: { data: Float32Array; rows: number; cols: number }) {
    const { kind, ref, amin, topDb } = features.db;
    if (kind === 'power') {
      // In place: S is this call's own fresh tensor.
      powerToDbInto(S.data, S.data, { ref, amin, topDb });
      return S;
    }
    if (kind === 'amplitude') return amplitudeToDb(S, { ref, amin, topDb });
    return S;
  }

  /** Features of a waveform already at `features.sr`. */
  function fromWaveform(y: Float32Array): FeatureTensor {
    const M =
      extractor !== undefined
        ? toDb(extractor.compute(y))
        : mfcc(y, { ...melOptions, nMfcc: features.nMfcc });
    return { data: M.data, shape: [M.rows, M.cols] };
  }

  async function waveform(bytes: Uint8Array, choice: CropChoice = { crop: decode.crop }) {
    const { y } = await loadAudio(bytes, { sr: decode.sr, mono: true });
    if (decode.length === null) return y;
    const crop = choice.crop;
    return fixLength(y, decode.length, {
      pad: decode.pad,
      crop,
      ...(crop === 'random' && { random: mulberry32(choice.seed ?? 0) }),
    });
  }

  async function fromBytes(bytes: Uint8Array, choice?: CropChoice): Promise<FeatureTensor> {
    return fromWaveform(await waveform(bytes, choice));
  }

  return { fromBytes, fromWaveform, waveform };
}

export type FeaturePipeline = ReturnType<typeof createFeaturePipeline>;
