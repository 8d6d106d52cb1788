import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNative, nativeStatus } from '../src/index.js';
import { nativeRequired } from './require-native.js';

interface Case { name: string; inRate: number; outRate: number; x: string; y: string }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/python-soxr.json', import.meta.url), 'utf8')) as { python_soxr: string; cases: Case[] };
const f32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};
const soxr = loadNative()?.soxr;

describe.skipIf(!soxr && !nativeRequired)('native soxr (libsoxr, soxr_hq)', () => {
  it('is loaded', () => {
    expect(soxr, nativeStatus()).toBeDefined();
    expect(nativeStatus()).toMatch(/^loaded \(libsoxr-0\.1\./);
    expect(soxr!.version).toMatch(/0\.1\.\d/);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: bit-identical to python-soxr ${fixture.python_soxr} (length, every sample)`, () => {
      const y = soxr!.resample(f32(c.x), c.inRate, c.outRate);
      expect(Array.from(y)).toEqual(Array.from(f32(c.y)));
    });
  }

  it('gives the same output whatever was resampled before (no state survives a call)', () => {
    const c = fixture.cases[0]!;
    const other = fixture.cases[1]!;
    soxr!.resample(f32(other.x), other.inRate, other.outRate);
    soxr!.resample(f32(c.x).subarray(0, 333), c.inRate, c.outRate); // same rates, different signal
    expect(Array.from(soxr!.resample(f32(c.x), c.inRate, c.outRate))).toEqual(Array.from(f32(c.y)));
  });

  it('handles an empty signal and names bad arguments', () => {
    expect(soxr!.resample(new Float32Array(0), 8000, 22050)).toHaveLength(0);
    expect(() => soxr!.resample(new Float64Array(4) as unknown as Float32Array, 8000, 22050)).toThrow(/y must be a Float32Array/);
    expect(() => soxr!.resample(new Float32Array(4), 0, 22050)).toThrow(/inRate must be a positive sample rate/);
    expect(() => soxr!.resample(new Float32Array(4), 8000, Number.NaN)).toThrow(/outRate must be a positive sample rate/);
  });

  it('reports its engine', () => {
    expect(soxr!.engine(44100, 22050)).toMatch(/^cr/);
  });
});
