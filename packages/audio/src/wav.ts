/**
 * Exact reader for uncompressed WAV (PCM 8/16/24/32, IEEE float 32/64, incl. WAVE_FORMAT_EXTENSIBLE).
 * Scales integers the way libsndfile (and so librosa/soundfile) does: u8 → (x−128)/128, sN → x/2^(N−1),
 * which audio-decode does not (it maps positive samples by 2^(N−1)−1). Other WAV codecs return null
 * and go to audio-decode.
 */
export interface WavHeader {
  formatTag: number; // after resolving WAVE_FORMAT_EXTENSIBLE
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  dataOffset: number;
  /** Bytes of sample data actually present (clamped to the file). */
  dataBytes: number;
  /** Bytes the header claims; differs from dataBytes when the file is truncated. */
  declaredDataBytes: number;
  frames: number;
}

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_MPEGLAYER3 = 0x0055;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const ascii = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

export function isRiffWave(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0) === 'RIFF' && ascii(bytes, 8) === 'WAVE';
}

/** Parses the header; throws a plain message (the caller adds the path) on a malformed one. */
export function readWavHeader(bytes: Uint8Array): WavHeader {
  if (!isRiffWave(bytes)) throw new Error('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  let fmt: Omit<WavHeader, 'dataOffset' | 'dataBytes' | 'declaredDataBytes' | 'frames'> | null = null;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new Error('fmt chunk is truncated');
      let formatTag = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const blockAlign = view.getUint16(body + 12, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > bytes.length) throw new Error('WAVE_FORMAT_EXTENSIBLE fmt chunk is truncated');
        formatTag = view.getUint16(body + 24, true); // first two bytes of the SubFormat GUID
      }
      fmt = { formatTag, channels, sampleRate, bitsPerSample, blockAlign };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      const available = Math.max(0, bytes.length - body);
      const declared = size === 0xffffffff ? available : size;
      const dataBytes = Math.min(declared, available);
      const frames = fmt.blockAlign > 0 ? Math.floor(dataBytes / fmt.blockAlign) : 0;
      return { ...fmt, dataOffset: body, dataBytes, declaredDataBytes: declared, frames };
    }
    at = body + size + (size & 1);
  }
  throw new Error(fmt ? 'no data chunk' : 'no fmt chunk');
}

/** True when readWav can decode this format exactly. */
export function isPlainWav(h: WavHeader): boolean {
  if (h.formatTag === WAVE_FORMAT_PCM) return [8, 16, 24, 32].includes(h.bitsPerSample);
  if (h.formatTag === WAVE_FORMAT_IEEE_FLOAT) return h.bitsPerSample === 32 || h.bitsPerSample === 64;
  return false;
}

/** Decodes plain PCM/float WAV sample data into one Float32Array per channel. */
export function readWavSamples(bytes: Uint8Array, h: WavHeader): Float32Array[] {
  const { channels, frames, dataOffset, bitsPerSample } = h;
  const bytesPerSample = bitsPerSample / 8;
  const float = h.formatTag === WAVE_FORMAT_IEEE_FLOAT;
  if (h.blockAlign !== channels * bytesPerSample) throw new Error(`block align ${h.blockAlign} does not match ${channels} channels × ${bitsPerSample} bits`);
  if (channels === 1 && bitsPerSample === 16 && !int16ViewUnsafe(bytes, dataOffset)) {
    // Common case (speech corpora): a typed view instead of per-sample DataView reads.
    const ints = new Int16Array(bytes.buffer, bytes.byteOffset + dataOffset, frames);
    const out = new Float32Array(frames);
    // × 2^-15 is exactly ÷ 32768 (a power of two) and twice as fast.
    const scale = 1 / 32768;
    for (let i = 0; i < frames; i++) out[i] = ints[i]! * scale;
    return [out];
  }
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = dataOffset;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      let v: number;
      if (float) v = bitsPerSample === 32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
      else if (bitsPerSample === 16) v = view.getInt16(p, true) / 32768;
      else if (bitsPerSample === 8) v = (bytes[p]! - 128) / 128;
      else if (bitsPerSample === 24) v = (((bytes[p + 2]! << 24) | (bytes[p + 1]! << 16) | (bytes[p]! << 8)) >> 8) / 8388608;
      else v = view.getInt32(p, true) / 2147483648;
      out[c]![i] = v;
      p += bytesPerSample;
    }
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An Int16Array view needs a little-endian host and 2-byte alignment. */
function int16ViewUnsafe(bytes: Uint8Array, dataOffset: number): boolean {
  return !LITTLE_ENDIAN || (bytes.byteOffset + dataOffset) % 2 !== 0;
}
