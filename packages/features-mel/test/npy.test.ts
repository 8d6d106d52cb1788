import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, encodeNpyHeader, encodeNpyInt64, encodeNpyStrings } from '../src/index.js';
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

/** The header's text and the data bytes after it. */
function split(bytes: Uint8Array): { header: string; data: DataView } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = String.fromCharCode(...bytes.subarray(10, 10 + length));
  const data = new DataView(bytes.buffer, bytes.byteOffset + 10 + length, bytes.length - 10 - length);
  return { header, data };
}

describe('npy encoders for the .npz export', () => {
  it('encodeNpyHeader + raw little-endian data equals encodeNpy, so a writer can stream the data', () => {
    const data = Float32Array.from({ length: 6 }, (_, i) => i - 2.5);
    const header = encodeNpyHeader('<f4', [3, 2]);
    expect(header.length % 64).toBe(0);
    const streamed = new Uint8Array(header.length + data.byteLength);
    streamed.set(header);
    streamed.set(new Uint8Array(data.buffer), header.length); // the tests run on little-endian hosts
    expect(streamed).toEqual(encodeNpy(data, [3, 2]));
    expect(() => encodeNpyHeader('<f4', [2, -1])).toThrow(/invalid dimension -1/);
  });

  it('encodeNpyInt64 writes a 1-D <i8 array and refuses non-integers', () => {
    const bytes = encodeNpyInt64([0, 2, -1, 2 ** 40]);
    const { header, data } = split(bytes);
    expect(header).toMatch(/^\{'descr': '<i8', 'fortran_order': False, 'shape': \(4,\), \} *\n$/);
    expect((10 + header.length) % 64).toBe(0);
    expect([0, 1, 2, 3].map((i) => data.getBigInt64(8 * i, true))).toEqual([0n, 2n, -1n, 2n ** 40n]);
    expect(data.byteLength).toBe(32);
    expect(() => encodeNpyInt64([1, 1.5])).toThrow(/1.5 at index 1/);
    expect(() => encodeNpyInt64([2 ** 53])).toThrow(/not a safe integer/);
  });

  it('encodeNpyStrings writes fixed-width UTF-32LE code points, padded with zeros to the longest', () => {
    const bytes = encodeNpyStrings(['a', 'bü', '🐦x', '']); // '🐦x' is 2 code points (3 UTF-16 units)
    const { header, data } = split(bytes);
    expect(header).toContain("'descr': '<U2'");
    expect(header).toContain("'shape': (4,)");
    const cps = Array.from({ length: data.byteLength / 4 }, (_, i) => data.getUint32(4 * i, true));
    expect(cps).toEqual([0x61, 0, 0x62, 0xfc, 0x1f426, 0x78, 0, 0]);
    expect(split(encodeNpyStrings([])).header).toContain("'descr': '<U1', 'fortran_order': False, 'shape': (0,)");
  });

  const hasNumpy = ((): boolean => {
    try {
      execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasNumpy)('numpy.load reads all three back (without pickle)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-npy-'));
    try {
      writeFileSync(join(dir, 'f.npy'), encodeNpy(Float32Array.from([1.5, -2, 0.25, 8]), [2, 2]));
      writeFileSync(join(dir, 'i.npy'), encodeNpyInt64([3, -7, 2 ** 40]));
      writeFileSync(join(dir, 'u.npy'), encodeNpyStrings(['bird', 'ü-1.wav', '🐦']));
      const script = `
import json, sys, numpy as np
out = {}
for name in ["f", "i", "u"]:
    a = np.load(f"{sys.argv[1]}/{name}.npy")
    out[name] = {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.tolist()}
print(json.dumps(out))`;
      const read = JSON.parse(execFileSync('python3', ['-c', script, dir], { encoding: 'utf8' }));
      expect(read.f).toEqual({ dtype: 'float32', shape: [2, 2], values: [[1.5, -2], [0.25, 8]] });
      expect(read.i).toEqual({ dtype: 'int64', shape: [3], values: [3, -7, 2 ** 40] });
      expect(read.u).toEqual({ dtype: '<U7', shape: [3], values: ['bird', 'ü-1.wav', '🐦'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
