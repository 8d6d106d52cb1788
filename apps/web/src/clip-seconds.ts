import { decodeAudio, isPlainWav, isRiffWave, readFlacStreamInfo, readWavHeader } from '@earshot/audio';

/**
 * A clip's duration in seconds: from the WAV or FLAC header when it says, else by decoding
 * (MP3, OGG, …). null when the bytes cannot be read at all.
 */
export async function clipSeconds(bytes: Uint8Array): Promise<number | null> {
  try {
    if (isRiffWave(bytes)) {
      const h = readWavHeader(bytes);
      if (isPlainWav(h) && h.sampleRate > 0 && h.frames > 0) return h.frames / h.sampleRate;
    }
    const flac = readFlacStreamInfo(bytes);
    if (flac && flac.frames > 0) return flac.frames / flac.sampleRate;
    const audio = await decodeAudio(bytes);
    return audio.channels[0] ? audio.channels[0].length / audio.sampleRate : null;
  } catch {
    return null;
  }
}
