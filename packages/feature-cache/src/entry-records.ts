// The small per-entry records kept beside each tensor in lmdb, so the warm check and prune read a
// few bytes per entry instead of the tensor's pages.
import { crc32 } from 'node:zlib';
import type { AccessRecord } from './feature-store.js';

/** An access record: last access time and value size, two float64 (16 bytes). */
export function encodeAccess(record: AccessRecord): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeDoubleLE(record.lastAccessMs, 0);
  bytes.writeDoubleLE(record.bytes, 8);
  return bytes;
}

export function decodeAccess(bytes: Uint8Array | undefined): AccessRecord | undefined {
  if (!bytes || bytes.length !== 16) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return { lastAccessMs: view.getFloat64(0, true), bytes: view.getFloat64(8, true) };
}

/** A shape index record: u32 dims then the crc32 of those bytes, little-endian. */
export function encodeShape(shape: readonly number[]): Buffer {
  const bytes = Buffer.alloc(4 * shape.length + 4);
  shape.forEach((dim, i) => bytes.writeUInt32LE(dim, 4 * i));
  bytes.writeUInt32LE(crc32(bytes.subarray(0, 4 * shape.length)), 4 * shape.length);
  return bytes;
}

/** The shape in an index record; undefined when absent or damaged (the caller falls back to the value). */
export function decodeShape(bytes: Uint8Array | undefined): number[] | undefined {
  if (!bytes || bytes.length < 8 || bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = bytes.length / 4 - 1;
  if (view.getUint32(4 * rank, true) !== crc32(bytes.subarray(0, 4 * rank))) return undefined;
  return Array.from({ length: rank }, (_, i) => view.getUint32(4 * i, true));
}
