import { crc32 } from 'node:zlib';
import { endianness } from 'node:os';

/**
 * Binary layout of one cached tensor (little-endian):
 *
 *   0  'ESFT' magic            4  u8 format version (1)   5  u8 dtype (1 = float32)
 *   6  u8 rank                 7  u8 reserved (0)         8  u32 crc32 of every other byte
 *   12 u32 × rank shape        …  zero padding to a multiple of 8
 *   payloadOffset  float32 × prod(shape)
 *
 * The crc covers the header as well as the payload, so a flipped bit anywhere is caught.
 */
export interface FeatureTensor {
  data: Float32Array;
  shape: number[];
}

const MAGIC = 0x54465345; // 'ESFT' read as a little-endian u32
const FORMAT_VERSION = 1;
const DTYPE_FLOAT32 = 1;
const MAX_RANK = 8;
const CRC_OFFSET = 8;
const SHAPE_OFFSET = 12;

if (endianness() !== 'LE') {
  throw new Error('earshot feature cache: big-endian hosts are not supported');
}

function payloadOffsetFor(rank: number): number {
  return Math.ceil((SHAPE_OFFSET + 4 * rank) / 8) * 8;
}

function checksum(bytes: Uint8Array): number {
  return crc32(bytes.subarray(SHAPE_OFFSET), crc32(bytes.subarray(0, CRC_OFFSET)));
}

export function encodeTensor(tensor: FeatureTensor): Buffer {
  const { data, shape } = tensor;
  if (shape.length === 0 || shape.length > MAX_RANK) {
    throw new Error(`feature cache: tensor rank ${shape.length} is outside 1..${MAX_RANK}`);
  }
  let count = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0 || dim > 0xffffffff) {
      throw new Error(`feature cache: bad tensor shape [${shape.join(', ')}]`);
    }
    count *= dim;
  }
  if (count !== data.length) {
    throw new Error(`feature cache: shape [${shape.join(', ')}] holds ${count} values but data has ${data.length}`);
  }
  const offset = payloadOffsetFor(shape.length);
  const bytes = Buffer.alloc(offset + data.byteLength);
  bytes.writeUInt32LE(MAGIC, 0);
  bytes[4] = FORMAT_VERSION;
  bytes[5] = DTYPE_FLOAT32;
  bytes[6] = shape.length;
  shape.forEach((dim, i) => bytes.writeUInt32LE(dim, SHAPE_OFFSET + 4 * i));
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
  bytes.writeUInt32LE(checksum(bytes), CRC_OFFSET);
  return bytes;
}

/** Where a verified value's payload lies; undefined when the bytes are not an intact tensor. */
export interface TensorLayout {
  shape: number[];
  payloadOffset: number;
  payloadBytes: number;
}

export function inspectTensor(bytes: Uint8Array): TensorLayout | undefined {
  if (bytes.length < SHAPE_OFFSET) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC || bytes[4] !== FORMAT_VERSION || bytes[5] !== DTYPE_FLOAT32) return undefined;
  const rank = bytes[6]!;
  if (rank === 0 || rank > MAX_RANK) return undefined;
  const payloadOffset = payloadOffsetFor(rank);
  if (bytes.length < payloadOffset) return undefined;
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(SHAPE_OFFSET + 4 * i, true);
    shape.push(dim);
    count *= dim;
  }
  if (bytes.length !== payloadOffset + 4 * count) return undefined;
  if (view.getUint32(CRC_OFFSET, true) !== checksum(bytes)) return undefined;
  return { shape, payloadOffset, payloadBytes: 4 * count };
}

/** Decode into a fresh, aligned Float32Array (the input may be a buffer lmdb reuses). */
export function decodeTensor(bytes: Uint8Array): FeatureTensor | undefined {
  const layout = inspectTensor(bytes);
  if (!layout) return undefined;
  const data = new Float32Array(layout.payloadBytes / 4);
  new Uint8Array(data.buffer).set(bytes.subarray(layout.payloadOffset, layout.payloadOffset + layout.payloadBytes));
  return { data, shape: layout.shape };
}
