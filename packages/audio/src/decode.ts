// @audio/decode is audio-decode's canonical name; 3.14.0 is the newest whose decoders are all among its dependencies
// (3.15+ import @audio/decode-ape and -eac3 without depending on them, which breaks bundlers).
import decode from '@audio/decode';
import { AudioInputError } from './errors.js';
import { isPlainWav, isRiffWave, readWavHeader, readWavSamples, WAVE_FORMAT_MPEGLAYER3, type WavHeader } from './wav.js';

export interface AudioData {
  channels: Float32Array[];
  sampleRate: number;
}

export interface DecodeOptions {
  /** Give up on a decoder that has not settled after this long (ms). Default 30 000. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

// The timers every runtime has (this package builds without DOM or Node types).
declare function setTimeout(handler: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;

/**
 * Decodes any format audio-decode reads (WAV, FLAC, MP3, OGG Vorbis, Opus, …) and validates the result.
 * Plain PCM/float WAV takes an exact fast path that scales like libsndfile. Throws AudioInputError
 * naming `sourceName` for empty, unknown, corrupt, silent-length or non-finite input.
 */
export async function decodeAudio(bytes: Uint8Array, sourceName = '<bytes>', options: DecodeOptions = {}): Promise<AudioData> {
  const fail = (reason: string): never => {
    throw new AudioInputError(sourceName, reason);
  };
  if (bytes.length === 0) fail('empty file (0 bytes)');

  const audio = isRiffWave(bytes) ? await decodeWav(bytes, sourceName, options.timeoutMs) : await decodeWithLibrary(bytes, sourceName, options.timeoutMs);
  validateAudio(audio, sourceName);
  return audio;
}

/**
 * WAV by its codec: plain PCM/float exactly (libsndfile's scaling); an MP3 stream (format tag
 * 0x0055, as some recorders write) decoded as the MP3 it is, as librosa's ffmpeg fallback does;
 * µ-law, A-law and ADPCM by audio-decode (µ-law, A-law and MS ADPCM match libsndfile exactly).
 */
async function decodeWav(bytes: Uint8Array, sourceName: string, timeoutMs?: number): Promise<AudioData> {
  let header: WavHeader;
  try {
    header = readWavHeader(bytes);
  } catch (e) {
    throw new AudioInputError(sourceName, `malformed WAV: ${(e as Error).message}`);
  }
  if (header.formatTag === WAVE_FORMAT_MPEGLAYER3) {
    return decodeWithLibrary(bytes.subarray(header.dataOffset, header.dataOffset + header.dataBytes), sourceName, timeoutMs);
  }
  const unsupported = UNSUPPORTED_WAV_CODECS.get(header.formatTag);
  if (unsupported) {
    const tag = `0x${header.formatTag.toString(16).padStart(4, '0')}`;
    throw new AudioInputError(sourceName, `unsupported WAV codec: ${unsupported} (format tag ${tag}); convert it to PCM WAV or FLAC (e.g. sox in.wav -e signed-integer out.wav)`);
  }
  return decodePlainWav(bytes, header, sourceName) ?? decodeWithLibrary(bytes, sourceName, timeoutMs);
}

/** WAV codecs libsndfile reads and no decoder here does: named, so the message says what the file holds. */
const UNSUPPORTED_WAV_CODECS: ReadonlyMap<number, string> = new Map([
  [0x0031, 'GSM 6.10'],
  [0x0040, 'G.721 ADPCM'],
  [0x0064, 'G.726 ADPCM'],
]);

/** The exact path for plain PCM/float WAV; null for other codecs. */
function decodePlainWav(bytes: Uint8Array, header: WavHeader, sourceName: string): AudioData | null {
  if (!isPlainWav(header)) return null;
  if (header.dataBytes < header.declaredDataBytes) {
    throw new AudioInputError(sourceName, `truncated WAV: header declares ${header.declaredDataBytes} bytes of audio data but the file holds ${header.dataBytes}`);
  }
  try {
    return { channels: readWavSamples(bytes, header), sampleRate: header.sampleRate };
  } catch (e) {
    throw new AudioInputError(sourceName, `malformed WAV: ${(e as Error).message}`);
  }
}

async function decodeWithLibrary(bytes: Uint8Array, sourceName: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<AudioData> {
  let timer: unknown;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AudioInputError(sourceName, `decoder did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // audio-decode may keep a reference to or transfer the buffer; give it a copy.
    const decoded = await Promise.race([decode(bytes.slice()), timeout]);
    const channels = decoded.channelData.slice();
    const flacBits = flacBitsPerSample(bytes);
    if (flacBits !== null) rescaleFlac(channels, flacBits);
    return { channels, sampleRate: decoded.sampleRate };
  } catch (e) {
    if (e instanceof AudioInputError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    // A format audio-decode recognises but has no decoder for (APE, say), or whose decoder is not installed.
    const missingDecoder = /No decoder for ([\w-]+)/.exec(message) ?? /Cannot find package '@audio\/decode-([\w-]+)'/.exec(message);
    const reason = /unknown audio format/i.test(message)
      ? 'not a recognised audio format (unsupported codec, or not audio at all)'
      : missingDecoder
        ? `unsupported codec: no decoder for '${missingDecoder[1]}'`
        : `could not decode: ${message}`;
    throw new AudioInputError(sourceName, reason);
  } finally {
    clearTimeout(timer);
  }
}

/** Bits per sample from a FLAC STREAMINFO block, or null when `bytes` is not FLAC. */
function flacBitsPerSample(bytes: Uint8Array): number | null {
  if (bytes.length < 42 || bytes[0] !== 0x66 || bytes[1] !== 0x4c || bytes[2] !== 0x61 || bytes[3] !== 0x43) return null;
  if ((bytes[4]! & 0x7f) !== 0) return null; // first metadata block must be STREAMINFO
  // STREAMINFO starts at 8; bits-per-sample − 1 is 5 bits spanning bytes 20–21.
  return (((bytes[20]! & 0x01) << 4) | (bytes[21]! >> 4)) + 1;
}

/**
 * The FLAC decoder divides integer samples by 2^(b−1) − 1; libsndfile (librosa) by 2^(b−1).
 * Recover the integers and rescale so FLAC matches the same audio stored as PCM WAV.
 */
function rescaleFlac(channels: Float32Array[], bits: number): void {
  if (bits < 2 || bits > 32) return;
  const full = 2 ** (bits - 1);
  const decoderScale = full - 1;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i]!;
      ch[i] = bits <= 16 ? Math.round(v * decoderScale) / full : (v * decoderScale) / full;
    }
  }
}

function validateAudio(audio: AudioData, sourceName: string): void {
  const fail = (reason: string): never => {
    throw new AudioInputError(sourceName, reason);
  };
  if (audio.channels.length === 0) fail('no audio decoded: the file is empty, truncated or corrupt');
  if (!Number.isFinite(audio.sampleRate) || audio.sampleRate <= 0) fail(`invalid sample rate ${audio.sampleRate}`);
  const frames = audio.channels[0]!.length;
  if (frames === 0) fail('no audio samples (zero length)');
  audio.channels.forEach((ch, c) => {
    if (ch.length !== frames) fail(`channel ${c} has ${ch.length} samples, channel 0 has ${frames}`);
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i]!;
      // v - v is NaN for both NaN and ±Infinity: one comparison per sample.
      if (v - v !== 0) fail(`non-finite sample (${v}) at frame ${i}, channel ${c}`);
    }
  });
}
