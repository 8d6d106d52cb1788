import { readFile } from 'node:fs/promises';
import { AudioInputError, decodeWaveform, type Waveform, type WaveformOptions } from '@earshot/audio';
import './native-soxr.js';

export interface LoadOptions extends WaveformOptions {
  /** Downmix by averaging channels. Only mono is supported (as the seed recipe). */
  mono?: true;
}

export type LoadedAudio = Waveform;

/** Equivalent to `librosa.load(path, sr=22050, mono=True)`: decode, average channels, resample. */
export async function loadAudio(pathOrBytes: string | Uint8Array, options: LoadOptions = {}): Promise<LoadedAudio> {
  if (typeof pathOrBytes !== 'string') return decodeWaveform(pathOrBytes, options);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(pathOrBytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AudioInputError(pathOrBytes, `cannot read file${code ? ` (${code})` : ''}: ${(e as Error).message}`);
  }
  return decodeWaveform(bytes, options, pathOrBytes);
}
