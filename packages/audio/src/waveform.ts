import { decodeAudio, type DecodeOptions } from './decode.js';
import { toMono } from './mono.js';
import { prepareResampler, resample, resolveResType, type ResampleQuality, type ResType, type ResTypeOption } from './resample.js';

export interface WaveformOptions extends DecodeOptions {
  /** Target sample rate; null keeps the file's own rate. Default 22050, as librosa.load. */
  sr?: number | null;
  /** librosa's res_type: 'auto' (default: soxr_hq), 'soxr_hq' or 'speex'. */
  resType?: ResTypeOption;
  /** Speex quality (res_type 'speex' only). Default 'hq'. */
  quality?: ResampleQuality;
}

export interface Waveform {
  /** Mono samples at `sr`. */
  y: Float32Array;
  sr: number;
  nativeSr: number;
  channels: number;
  /** Frames at the native rate. */
  frames: number;
  /** The resampler that ran; null when the audio was already at `sr`. */
  resType: ResType | null;
}

/**
 * `librosa.load(<bytes>, sr=sr, mono=True)`: decode, average the channels, resample. `sourceName`
 * names the input in errors (AudioInputError).
 */
export async function decodeWaveform(bytes: Uint8Array, options: WaveformOptions = {}, sourceName = '<bytes>'): Promise<Waveform> {
  const { sr = 22050, quality = 'hq' } = options;
  const resType = resolveResType(options.resType);
  const audio = await decodeAudio(bytes, sourceName, options);
  const mono = toMono(audio.channels);
  const resampled = sr !== null && sr !== audio.sampleRate;
  if (resampled) await prepareResampler(resType);
  const y = resampled ? resample(mono, audio.sampleRate, sr, { resType, quality }) : mono;
  return { y, sr: sr ?? audio.sampleRate, nativeSr: audio.sampleRate, channels: audio.channels.length, frames: mono.length, resType: resampled ? resType : null };
}
