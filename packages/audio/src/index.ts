export { AudioInputError, errorReason } from './errors.js';
export { decodeAudio, type AudioData, type DecodeOptions } from './decode.js';
export { decodeWaveform, type Waveform, type WaveformOptions } from './waveform.js';
export { toMono } from './mono.js';
export {
  prepareResampler,
  resample,
  resampledLength,
  resamplerStatus,
  resolveResType,
  useNativeSoxr,
  type ResampleOptions,
  type ResampleQuality,
  type ResType,
  type ResTypeOption,
  type SoxrEngine,
} from './resample.js';
export { isPlainWav, isRiffWave, readWavHeader, WAVE_FORMAT_PCM, type WavHeader } from './wav.js';
export { readFlacStreamInfo, type FlacStreamInfo } from './flac.js';
