import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../src/index.js';
import { hasReference, REFERENCE_DIR } from './reference.js';

function rawNpy(header: string, body: Uint8Array, major = 1): Uint8Array {
  const h = Uint8Array.from(header, (c) => c.charCodeAt(0));
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, h.length, true);
  else view.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(body, pre + h.length);
  return out;
}

describe('npy', () => {
  it('round-trips float32 arrays of any rank with 64-byte aligned headers', () => {
    for (const shape of [[5], [2, 3], [2, 1, 2], []]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 1.25);
      const bytes = encodeNpy(data, shape);
      expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
      const back = decodeNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(back.dtype).toBe('<f4');
      expect(back.data).toEqual(data);
    }
  });

  it.skipIf(!hasReference)('re-encodes a numpy-written golden file byte for byte', () => {
    const original = new Uint8Array(readFileSync(join(REFERENCE_DIR, 'a_sine440_S.npy')));
    const { data, shape } = decodeNpy(original);
    expect(shape).toEqual([128, 44]);
    expect(Buffer.from(encodeNpy(data, shape)).equals(Buffer.from(original))).toBe(true);
  });

  it('reads <f8 and version 2 headers, from an unaligned byte offset', () => {
    const body = new Uint8Array(16);
    new DataView(body.buffer).setFloat64(0, 0.1, true);
    new DataView(body.buffer).setFloat64(8, -3, true);
    const bytes = rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", body, 2);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const a = decodeNpy(shifted.subarray(1));
    expect(a.dtype).toBe('<f8');
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.data)).toEqual([Math.fround(0.1), -3]);
  });

  it('names the source and problem on bad input', () => {
    expect(() => decodeNpy(new Uint8Array(20), 'x.npy')).toThrow(/x\.npy: not a \.npy file/);
    const i16 = rawNpy("{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }\n", new Uint8Array(2));
    expect(() => decodeNpy(i16, 'y.npy')).toThrow(/y\.npy: dtype '<i2'/);
    const fortran = rawNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n", new Uint8Array(4));
    expect(() => decodeNpy(fortran)).toThrow(/fortran_order/);
    const short = rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", new Uint8Array(4));
    expect(() => decodeNpy(short)).toThrow(/expected 12 data bytes/);
    expect(() => encodeNpy(new Float32Array(3), [2, 2])).toThrow(/holds 4 values/);
  });
});
