// NumPy .npy (format v1/v2/v3) encoding and decoding as pure byte functions.

import { ParameterError } from './errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export type NpyDtype = '<f4' | '<f8';

export interface NpyArray {
  /** Always float32: '<f8' arrays are converted. */
  data: Float32Array;
  shape: number[];
  /** dtype found in the file. */
  dtype: NpyDtype;
}

// The header is ASCII by spec; avoids TextEncoder so the package needs no DOM/Node typings.
const asciiBytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0x7f);

const shapeLiteral = (shape: readonly number[]): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;

function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ParameterError(`npy shape ${JSON.stringify(shape)} has an invalid dimension ${d}`);
  }
}

/** The dtypes the encoders write: float32, int64, fixed-width unicode of n code points. */
export type NpyEncodedDtype = '<f4' | '<i8' | `<U${number}`;

/**
 * The .npy v1.0 header of a little-endian C-order array (64-byte aligned, as numpy writes it).
 * Exported on its own so a writer can stream an array too large to hold after it.
 */
export function encodeNpyHeader(descr: NpyEncodedDtype, shape: readonly number[]): Uint8Array {
  checkShape(shape);
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const headerBytes = asciiBytes(header);
  if (headerBytes.length > 0xffff) throw new ParameterError('npy header too long for format 1.0');
  const out = new Uint8Array(10 + headerBytes.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  return out;
}

/** The header followed by `dataBytes` zeroed bytes, for an encoder to fill. */
function npyWithData(descr: NpyEncodedDtype, shape: readonly number[], dataBytes: number): { out: Uint8Array; view: DataView; offset: number } {
  const header = encodeNpyHeader(descr, shape);
  const out = new Uint8Array(header.length + dataBytes);
  out.set(header);
  return { out, view: new DataView(out.buffer), offset: header.length };
}

/** Encodes a C-order float32 array as a .npy file (v1.0 header, 64-byte aligned, as numpy writes it). */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  checkShape(shape);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new ParameterError(`npy shape ${JSON.stringify(shape)} holds ${count} values, data has ${data.length}`);
  }
  const { out, view, offset } = npyWithData('<f4', shape, data.length * 4);
  for (let i = 0; i < data.length; i++) view.setFloat32(offset + 4 * i, data[i]!, true);
  return out;
}

/** A 1-D int64 ('<i8') .npy of integers (each must be a safe integer). */
export function encodeNpyInt64(values: ArrayLike<number>): Uint8Array {
  const { out, view, offset } = npyWithData('<i8', [values.length], values.length * 8);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isSafeInteger(v)) throw new ParameterError(`npy int64 value ${v} at index ${i} is not a safe integer`);
    view.setBigInt64(offset + 8 * i, BigInt(v), true);
  }
  return out;
}

/**
 * A 1-D fixed-width unicode ('<U{n}') .npy: UTF-32LE code points, each string padded with zeros to
 * the longest (n ≥ 1). numpy loads it without pickle, unlike an object array of str.
 */
export function encodeNpyStrings(values: readonly string[]): Uint8Array {
  const codePoints = values.map((value) => Array.from(value, (ch) => ch.codePointAt(0)!));
  let width = 1;
  for (const cp of codePoints) width = Math.max(width, cp.length); // a loop: spreading 10⁵ lengths into Math.max overflows the stack
  const { out, view, offset } = npyWithData(`<U${width}`, [values.length], values.length * width * 4);
  codePoints.forEach((cp, i) => cp.forEach((c, j) => view.setUint32(offset + 4 * (i * width + j), c, true)));
  return out;
}

/** Decodes a little-endian float32/float64 C-order .npy file. `source` names it in errors. */
export function decodeNpy(bytes: Uint8Array, source = 'npy data'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ParameterError(`${source}: not a .npy file (bad magic)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new ParameterError(`${source}: truncated header`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new ParameterError(`${source}: unsupported .npy format version ${major}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new ParameterError(`${source}: truncated header`);
  let header = '';
  for (let i = headerStart; i < dataStart; i++) header += String.fromCharCode(bytes[i]!);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new ParameterError(`${source}: malformed header ${JSON.stringify(header.trim())}`);
  }
  if (descr !== '<f4' && descr !== '<f8') {
    throw new ParameterError(`${source}: dtype '${descr}' is not supported (only '<f4' and '<f8')`);
  }
  if (fortran === 'True') throw new ParameterError(`${source}: fortran_order arrays are not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number.parseInt(s.replace(/L$/, ''), 10));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ParameterError(`${source}: bad shape (${shapeText})`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = descr === '<f4' ? 4 : 8;
  if (bytes.length - dataStart < count * itemSize) {
    throw new ParameterError(`${source}: expected ${count * itemSize} data bytes, found ${bytes.length - dataStart}`);
  }
  const data = new Float32Array(count);
  if (itemSize === 4) {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  } else {
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, true);
  }
  return { data, shape, dtype: descr };
}
