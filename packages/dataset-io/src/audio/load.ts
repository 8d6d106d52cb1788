import { readFile } from 'node:fs/promises';
import { AudioInputError } from '../problems.js';
import { decodeAudio, type DecodeOptions } from './decode.js';
import { toMono } from './mono.js';
import { resample, resolveResType, type ResampleQuality, type ResType, type ResTypeOption } from './resample.js';

export interface LoadOptions extends DecodeOptions {
  /** Target sample rate; null keeps the file's own rate. Default 22050, as librosa.load. */
  sr?: number | null;
  /** Downmix by averaging channels. Only mono is supported (as the seed recipe). */
  mono?: true;
  /** librosa's res_type: 'auto' (default: soxr_hq where the native addon is built, else speex), 'soxr_hq' or 'speex'. */
  resType?: ResTypeOption;
  /** Speex quality (res_type 'speex' only). Default 'hq'. */
  quality?: ResampleQuality;
}

export interface LoadedAudio {
  y: Float32Array;
  sr: number;
  nativeSr: number;
  channels: number;
  /** Frames at the native rate. */
  frames: number;
  /** The resampler that ran; null when the file was already at `sr`. */
  resType: ResType | null;
}

/** Equivalent to `librosa.load(path, sr=22050, mono=True)`: decode, average channels, resample. */
export async function loadAudio(pathOrBytes: string | Uint8Array, options: LoadOptions = {}): Promise<LoadedAudio> {
  const { sr = 22050, quality = 'hq' } = options;
  // Resolved first, so an unavailable res_type fails before any file is read.
  const resType = resolveResType(options.resType);
  const name = typeof pathOrBytes === 'string' ? pathOrBytes : '<bytes>';
  let bytes: Uint8Array;
  if (typeof pathOrBytes === 'string') {
    try {
      bytes = await readFile(pathOrBytes);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AudioInputError(name, `cannot read file${code ? ` (${code})` : ''}: ${(e as Error).message}`);
    }
  } else {
    bytes = pathOrBytes;
  }
  const audio = await decodeAudio(bytes, name, options);
  const mono = toMono(audio.channels);
  const resampled = sr !== null && sr !== audio.sampleRate;
  const y = resampled ? resample(mono, audio.sampleRate, sr, { resType, quality }) : mono;
  return {
    y,
    sr: sr ?? audio.sampleRate,
    nativeSr: audio.sampleRate,
    channels: audio.channels.length,
    frames: mono.length,
    resType: resampled ? resType : null,
  };
}
