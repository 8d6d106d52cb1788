/** What a FLAC file's STREAMINFO block says about the stream. */
export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 when the encoder did not know it. */
  frames: number;
}

/**
 * Reads STREAMINFO, the mandatory first metadata block of a native FLAC file (`fLaC` marker), so a
 * scan learns duration, rate and channels without decoding the stream. undefined: not FLAC, or a
 * header too short or inconsistent to trust.
 */
export function readFlacStreamInfo(bytes: Uint8Array): FlacStreamInfo | undefined {
  if (bytes.length < 42 || bytes[0] !== 0x66 || bytes[1] !== 0x4c || bytes[2] !== 0x61 || bytes[3] !== 0x43) return undefined;
  const blockType = bytes[4]! & 0x7f;
  const blockLength = (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!;
  if (blockType !== 0 || blockLength !== 34) return undefined;
  // STREAMINFO from byte 8: block sizes (4), frame sizes (6), then 20 bits rate, 3 bits channels − 1,
  // 5 bits bits-per-sample − 1 and 36 bits of total samples.
  const at = 18;
  const sampleRate = (bytes[at]! << 12) | (bytes[at + 1]! << 4) | (bytes[at + 2]! >> 4);
  const channels = ((bytes[at + 2]! >> 1) & 0x07) + 1;
  const bitsPerSample = (((bytes[at + 2]! & 0x01) << 4) | (bytes[at + 3]! >> 4)) + 1;
  const frames = (bytes[at + 3]! & 0x0f) * 2 ** 32 + ((bytes[at + 4]! << 24) >>> 0) + (bytes[at + 5]! << 16) + (bytes[at + 6]! << 8) + bytes[at + 7]!;
  if (sampleRate === 0) return undefined;
  return { sampleRate, channels, bitsPerSample, frames };
}
