import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `shared/` sits beside the repository root (../shared from the repo). */
function findShared(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return join(dir, '..', 'shared');
    const parent = dirname(dir);
    if (parent === dir) return join(dir, 'shared');
    dir = parent;
  }
}
export const SHARED = findShared();
export const GOLDEN_DIR = join(SHARED, 'reference', 'librosa-0.11.0');
export const FSDD_DIR = join(SHARED, 'datasets', 'fsdd', 'recordings');
/** Set in CI, which installs libsoxr-dev: soxr tests must run there, not skip. */
export const nativeRequired = process.env.EARSHOT_REQUIRE_NATIVE === '1';

/** Reads a little-endian float32 .npy (the golden files). */
export function readNpyFloat32(path: string): { data: Float32Array; shape: number[] } {
  const b = readFileSync(path);
  const headerLength = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + headerLength).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${path}: expected float32 npy`);
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1]!.split(',').filter((s) => s.trim()).map(Number);
  const start = 10 + headerLength;
  const data = new Float32Array(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
  return { data, shape };
}

export type WavEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

/** Writes WAV bytes from per-channel samples in [-1, 1). `extensible` uses WAVE_FORMAT_EXTENSIBLE. */
export function encodeWav(channels: Float32Array[] | Float64Array[], sampleRate: number, encoding: WavEncoding, extensible = false): Uint8Array {
  const bits = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 }[encoding];
  const float = encoding === 'f32' || encoding === 'f64';
  const nCh = channels.length;
  const frames = channels[0]!.length;
  const blockAlign = (nCh * bits) / 8;
  const fmtSize = extensible ? 40 : 16;
  const dataBytes = frames * blockAlign;
  const buf = new ArrayBuffer(12 + 8 + fmtSize + 8 + dataBytes + (dataBytes & 1));
  const v = new DataView(buf);
  const u8 = new Uint8Array(buf);
  const str = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, buf.byteLength - 8, true);
  str(8, 'WAVE');
  str(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  const tag = float ? 3 : 1;
  v.setUint16(20, extensible ? 0xfffe : tag, true);
  v.setUint16(22, nCh, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  if (extensible) {
    v.setUint16(36, 22, true);
    v.setUint16(38, bits, true);
    v.setUint32(40, nCh === 1 ? 0x4 : 0x3, true);
    v.setUint16(44, tag, true); // SubFormat GUID: tag + the standard suffix
    u8.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 46);
  }
  const d = 20 + fmtSize;
  str(d, 'data');
  v.setUint32(d + 4, dataBytes, true);
  let p = d + 8;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nCh; c++) {
      const x = channels[c]![i]!;
      const clamp = (scale: number) => Math.max(-scale, Math.min(scale - 1, Math.round(x * scale)));
      switch (encoding) {
        case 'u8': v.setUint8(p, clamp(128) + 128); break;
        case 's16': v.setInt16(p, clamp(32768), true); break;
        case 's24': { const s = clamp(8388608); v.setUint8(p, s & 0xff); v.setUint8(p + 1, (s >> 8) & 0xff); v.setUint8(p + 2, (s >> 16) & 0xff); break; }
        case 's32': v.setInt32(p, clamp(2147483648), true); break;
        case 'f32': v.setFloat32(p, x, true); break;
        case 'f64': v.setFloat64(p, x, true); break;
      }
      p += bits / 8;
    }
  }
  return u8;
}

export function sine(frames: number, sampleRate: number, freq: number, amp = 0.5, phase = 0): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / sampleRate + phase);
  return out;
}

/** Whether a command is on PATH (fixtures made by sox, opusenc… are skipped without it). */
export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('which', [cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A RIFF/WAVE file whose fmt chunk declares codec `tag` (16-byte fmt, mono), with `payload` as its data chunk. */
export function riffWithTag(tag: number, payload: Uint8Array, sampleRate = 8000): Uint8Array {
  const b = Buffer.alloc(44 + payload.length);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + payload.length, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(tag, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate / 4, 28);
  b.writeUInt16LE(1, 32);
  b.writeUInt16LE(0, 34);
  b.write('data', 36);
  b.writeUInt32LE(payload.length, 40);
  Buffer.from(payload).copy(b, 44);
  return new Uint8Array(b);
}
