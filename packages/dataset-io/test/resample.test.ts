import { afterEach, describe, expect, it, vi } from 'vitest';
import { resample, resolveResType, type ResType } from '../src/index.js';
import { nativeRequired, sine } from './helpers.js';

const rms = (a: Float32Array, from = 0, to = a.length) => Math.sqrt(a.subarray(from, to).reduce((s, v) => s + v * v, 0) / (to - from));

const soxrBuilt = resolveResType('auto') === 'soxr_hq';
/** Every resampler this machine has: speex always, soxr_hq where the native addon is built (and in CI). */
const resTypes: ResType[] = soxrBuilt || nativeRequired ? ['speex', 'soxr_hq'] : ['speex'];

describe.each(resTypes)('resample, res_type %s', (resType) => {
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
    const y = resampleWith(sine(44100, 44100, 1000, 0.5), 44100, 22050);
    const expected = sine(22050, 22050, 1000, 0.5);
    let err = 0;
    for (let i = 500; i < 21500; i++) err = Math.max(err, Math.abs(y[i]! - expected[i]!));
    expect(err).toBeLessThan(1e-3);
    const alias = resampleWith(sine(44100, 44100, 15000, 0.5), 44100, 22050);
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
  it("'auto' is soxr_hq exactly where the native addon loaded", () => {
    expect(resolveResType('auto')).toBe(soxrBuilt ? 'soxr_hq' : 'speex');
    expect(resolveResType('speex')).toBe('speex');
    if (nativeRequired) expect(soxrBuilt).toBe(true);
  });

  it.skipIf(!soxrBuilt)('soxr_hq and speex give slightly different waveforms (so caches must tell them apart)', () => {
    const x = sine(2400, 8000, 440);
    const soxr = resample(x, 8000, 22050, { resType: 'soxr_hq' });
    const speex = resample(x, 8000, 22050, { resType: 'speex' });
    const maxDiff = soxr.reduce((m, v, i) => Math.max(m, Math.abs(v - speex[i]!)), 0);
    expect(maxDiff).toBeGreaterThan(1e-6);
    expect(maxDiff).toBeLessThan(1e-2);
  });

  afterEach(() => vi.unstubAllEnvs());

  it("soxr_hq without the addon is an error naming res_type; 'auto' then falls back to speex", async () => {
    vi.stubEnv('EARSHOT_NATIVE', '0');
    vi.resetModules();
    const io = await import('../src/index.js');
    expect(() => io.resolveResType('soxr_hq')).toThrow(/res_type 'soxr_hq' is not available: disabled by EARSHOT_NATIVE=0/);
    expect(() => io.resample(sine(10, 8000, 440), 8000, 22050, { resType: 'soxr_hq' })).toThrow(io.ResamplerUnavailableError);
    expect(io.resolveResType('auto')).toBe('speex');
    expect(io.resamplerStatus()).toBe('soxr_hq unavailable: disabled by EARSHOT_NATIVE=0');
  });
});
