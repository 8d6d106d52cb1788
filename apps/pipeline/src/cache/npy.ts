/**
 * Minimal .npy (format 1.0) encoding: the header numpy.load expects, followed by raw
 * little-endian data. Supports the dtypes the export needs.
 */
export type NpyDescr = '<f4' | '<i8' | `<U${number}`;

export function npyHeader(descr: NpyDescr, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + u16 length (2) + dict + padding + '\n' is a multiple of 64.
  const unpadded = 10 + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const text = dict + ' '.repeat(padded - unpadded) + '\n';
  const header = new Uint8Array(10 + text.length);
  header.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  new DataView(header.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) header[10 + i] = text.charCodeAt(i);
  return header;
}

export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Uint8Array {
  return concat(npyHeader('<f4', shape), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function encodeNpyInt64(values: ArrayLike<number>): Uint8Array {
  const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return concat(npyHeader('<i8', [values.length]), new Uint8Array(data.buffer));
}

/** A 1-D numpy unicode array (`<U{n}`, UTF-32LE, fixed width): loads without pickle. */
export function encodeNpyStrings(values: readonly string[]): Uint8Array {
  const codePoints = values.map((value) => Array.from(value, (ch) => ch.codePointAt(0)!));
  const width = Math.max(1, ...codePoints.map((cp) => cp.length));
  const data = new Uint32Array(values.length * width);
  codePoints.forEach((cp, i) => data.set(cp, i * width));
  return concat(npyHeader(`<U${width}`, [values.length]), new Uint8Array(data.buffer));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
