import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAudio, type ResampleOptions } from '../src/index.js';
import { GOLDEN_DIR, readNpyFloat32 } from './helpers.js';

/** The target that matters downstream, through the real @earshot/features-mel (skipped until it builds). */
const mel = await import('@earshot/features-mel').catch(() => null);
const golden = existsSync(join(GOLDEN_DIR, 'golden.json'))
  ? (JSON.parse(readFileSync(join(GOLDEN_DIR, 'golden.json'), 'utf8')) as { files: Record<string, { wav: string; resampled: boolean }> })
  : null;

async function meanDbError(name: string, resampler: ResampleOptions): Promise<{ mean: number; max: number }> {
  const file = golden!.files[name]!;
  const { y, sr } = await loadAudio(join(GOLDEN_DIR, file.wav), resampler);
  const D = mel!.powerToDb(mel!.melSpectrogram(y, { sr, nMels: 128 }), { ref: 'max' });
  const ref = readNpyFloat32(join(GOLDEN_DIR, `${name}_D.npy`)).data;
  expect(D.data.length).toBe(ref.length);
  let sum = 0;
  let count = 0;
  let max = 0;
  for (let i = 0; i < ref.length; i++) {
    if (ref[i]! <= -60) continue;
    const e = Math.abs(D.data[i]! - ref[i]!);
    sum += e;
    max = Math.max(max, e);
    count++;
  }
  return { mean: sum / count, max };
}

describe.skipIf(!golden || !mel)('load + features-mel vs librosa D (mean |ΔD| over bins with D > −60 dB)', () => {
  for (const name of Object.keys(golden?.files ?? {})) {
    it(`${name}: within target with speex quality 'hq'`, async () => {
      const { mean, max } = await meanDbError(name, { resType: 'speex', quality: 'hq' });
      if (golden!.files[name]!.resampled) expect(mean).toBeLessThan(0.05);
      else expect(max).toBeLessThan(1e-3); // native rate: no resampling, exact input
    });
    // soxr_hq is librosa's own resampler: what is left is the float32 DSP's rounding (measured ≤ 1.6e-6 dB).
    it(`${name}: as close as the native-rate files with soxr_hq`, async () => {
      const { mean, max } = await meanDbError(name, { resType: 'soxr_hq' });
      expect(mean).toBeLessThan(1e-5);
      expect(max).toBeLessThan(1e-4);
    });
  }
  it("speex 'fast' is measurably worse than 'hq' on FSDD (the quality option does something)", async () => {
    const hq = await meanDbError('d_7_jackson_32', { resType: 'speex', quality: 'hq' });
    const fast = await meanDbError('d_7_jackson_32', { resType: 'speex', quality: 'fast' });
    expect(fast.mean).toBeGreaterThan(hq.mean * 2);
  });
});
