import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNative } from '@earshot/native';
import { prepareResampler, resample, resamplerStatus, resolveResType, useNativeSoxr, type ResType } from '../src/index.js';

const rms = (a: Float32Array, from = 0, to = a.length) => Math.sqrt(a.subarray(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
const sine = (n: number, sr: number, f: number, amp = 0.5) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / sr));
/** Set in CI, which builds the addon: the native comparisons must run there, not skip. */
const nativeRequired = process.env.EARSHOT_REQUIRE_NATIVE === '1';
const native = loadNative()?.soxr ?? null;

beforeAll(() => prepareResampler('speex'));
afterEach(() => useNativeSoxr(null));

describe.each<ResType>(['speex', 'soxr_hq'])('resample, res_type %s', (resType) => {
  const resampleWith = (y: Float32Array, from: number, to: number) => resample(y, from, to, { resType });

  it('has librosa fix=True length ceil(n·to/from) for up- and down-sampling', () => {
    for (const [n, from, to] of [[2384, 8000, 22050], [66150, 44100, 22050], [1001, 48000, 22050], [7, 16000, 22050]] as const) {
      expect(resampleWith(new Float32Array(n), from, to)).toHaveLength(Math.ceil((n * to) / from));
    }
  });

  it('is stateless: the same input gives the same output on every call, whatever came before', () => {
    const x = sine(3000, 8000, 440);
    const first = resampleWith(x, 8000, 22050);
    resampleWith(sine(777, 8000, 1234), 8000, 22050);
    expect(Array.from(resampleWith(x, 8000, 22050))).toEqual(Array.from(first));
  });

  it('keeps a passband tone in phase (no delay) and removes a tone above the new Nyquist', () => {
    const y = resampleWith(sine(44100, 44100, 1000), 44100, 22050);
    const expected = sine(22050, 22050, 1000);
    let err = 0;
    for (let i = 500; i < 21500; i++) err = Math.max(err, Math.abs(y[i]! - expected[i]!));
    expect(err).toBeLessThan(1e-3);
    const alias = resampleWith(sine(44100, 44100, 15000), 44100, 22050);
    expect(rms(alias, 500, 21500)).toBeLessThan(1e-3); // ≥ 54 dB below the 0.35 rms input
  });

  it('returns a copy at equal rates and rejects bad rates and qualities', () => {
    const x = new Float32Array([1, 2]);
    expect(resampleWith(x, 8000, 8000)).not.toBe(x);
    expect(() => resampleWith(x, 0, 8000)).toThrow(/positive integers/);
    expect(() => resampleWith(x, 8000, 22050.5)).toThrow(/positive integers/);
    // @ts-expect-error invalid on purpose
    expect(() => resample(x, 8000, 22050, { resType: 'kaiser_best' })).toThrow(/unknown res_type 'kaiser_best'/);
    // @ts-expect-error invalid on purpose
    if (resType === 'speex') expect(() => resample(x, 8000, 22050, { resType, quality: 'best' })).toThrow(/unknown quality 'best'/);
  });
});

describe('res_type choice', () => {
  it("'auto' is soxr_hq, which every runtime has; speex is asked for by name", () => {
    expect(resolveResType('auto')).toBe('soxr_hq');
    expect(resolveResType()).toBe('soxr_hq');
    expect(resolveResType('speex')).toBe('speex');
    expect(resamplerStatus()).toBe('libsoxr-0.1.3 (WebAssembly)');
  });

  it('soxr_hq and speex give slightly different waveforms (so caches must tell them apart)', () => {
    const x = sine(2400, 8000, 440);
    const soxr = resample(x, 8000, 22050, { resType: 'soxr_hq' });
    const speex = resample(x, 8000, 22050, { resType: 'speex' });
    const maxDiff = soxr.reduce((m, v, i) => Math.max(m, Math.abs(v - speex[i]!)), 0);
    expect(maxDiff).toBeGreaterThan(1e-6);
    expect(maxDiff).toBeLessThan(1e-2);
  });

  it.skipIf(!native && !nativeRequired)('soxr_hq gives the same samples natively as in WebAssembly, so either may serve', () => {
    expect(native, 'the native addon must load here').not.toBeNull();
    const noise = Float32Array.from({ length: 20000 }, (_, i) => Math.sin(i * 12.9898) * 0.3);
    const inWasm = [8000, 16000, 44100, 48000].map((from) => resample(noise, from, 22050, { resType: 'soxr_hq' }));
    useNativeSoxr(native);
    expect(resamplerStatus()).toBe('native libsoxr-0.1.3');
    const natively = [8000, 16000, 44100, 48000].map((from) => resample(noise, from, 22050, { resType: 'soxr_hq' }));
    natively.forEach((y, i) => expect(Array.from(y)).toEqual(Array.from(inWasm[i]!)));
  });

  it('speex must be loaded before a synchronous resample, and says how', async () => {
    vi.resetModules();
    const fresh = await import('../src/index.js');
    expect(() => fresh.resample(sine(100, 8000, 440), 8000, 22050, { resType: 'speex' })).toThrow(/await prepareResampler\('speex'\) first/);
    await fresh.prepareResampler('speex');
    expect(fresh.resample(sine(100, 8000, 440), 8000, 22050, { resType: 'speex' })).toHaveLength(276);
  });
});
