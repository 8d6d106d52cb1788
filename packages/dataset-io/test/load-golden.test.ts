import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useNativeSoxr } from '@earshot/audio';
import { loadNative } from '@earshot/native';
import { loadAudio, type ResType } from '../src/index.js';
import { GOLDEN_DIR, nativeRequired, readNpyFloat32 } from './helpers.js';
import { melSpectrogram, powerToDb } from '@earshot/features-mel';

interface GoldenFile { wav: string; native_sr: number; native_frames: number; resampled: boolean; y_shape: number[] }
const golden = existsSync(join(GOLDEN_DIR, 'golden.json'))
  ? (JSON.parse(readFileSync(join(GOLDEN_DIR, 'golden.json'), 'utf8')) as { files: Record<string, GoldenFile> })
  : null;
const names = golden ? Object.keys(golden.files) : [];
const native = loadNative()?.soxr ?? null;
/** Every resampler: speex, soxr_hq in WebAssembly, and soxr_hq natively where the addon is built (and in CI). */
const engines: { resType: ResType; engine: string }[] = [
  { resType: 'speex', engine: 'WebAssembly' },
  { resType: 'soxr_hq', engine: 'WebAssembly' },
  ...(native || nativeRequired ? [{ resType: 'soxr_hq' as const, engine: 'native' }] : []),
];

/**
 * Bounds on resampled files. soxr_hq runs the libsoxr calls librosa's python-soxr makes and was
 * measured bit-exact (max |Δy| = 0, mean |ΔD| ≤ 1.6e-6 dB, the float32 DSP's own rounding); the
 * margins allow another libsoxr build's rounding. Speex q8 measured max ≤ 2.9e-3 (at the clip
 * edges), rms ≤ 6.3e-5, mean |ΔD| ≤ 0.017 dB; the target there is 0.05 dB.
 */
const BOUNDS: Record<ResType, { maxY: number; rmsY: number; meanDb: number }> = {
  soxr_hq: { maxY: 1e-6, rmsY: 1e-7, meanDb: 1e-5 },
  speex: { maxY: 5e-3, rmsY: 1.5e-4, meanDb: 0.05 },
};

/** Waveform error vs librosa 0.11 (soxr_hq) and mel-dB error, per golden file. Measured: see README. */
describe.skipIf(!golden)('loadAudio vs librosa.load(sr=22050, mono=True) golden output', () => {
  it('covers both native-rate and resampled golden files', () => {
    expect(names.filter((n) => golden!.files[n]!.resampled).length).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => !golden!.files[n]!.resampled).length).toBeGreaterThanOrEqual(2);
  });

  for (const name of names) for (const { resType, engine } of engines) {
    const meta = golden?.files[name];
    it(`${name}, res_type ${resType} (${engine}): length ceil(n·22050/sr), ${meta?.resampled ? 'close to librosa' : 'bit-exact'}`, async () => {
      const file = golden!.files[name]!;
      if (engine === 'native') expect(native, 'the native addon must load here').not.toBeNull();
      useNativeSoxr(engine === 'native' ? native : null);
      const { y, sr, nativeSr, frames, resType: ran } = await loadAudio(join(GOLDEN_DIR, file.wav), { resType }).finally(() => useNativeSoxr(native));
      expect(ran).toBe(file.resampled ? resType : null);
      const ref = readNpyFloat32(join(GOLDEN_DIR, `${name}_y.npy`)).data;
      expect(sr).toBe(22050);
      expect(nativeSr).toBe(file.native_sr);
      expect(frames).toBe(file.native_frames);
      expect(y.length).toBe(ref.length);
      expect(y.length).toBe(Math.ceil((file.native_frames * 22050) / file.native_sr));
      let max = 0;
      let sumSq = 0;
      for (let i = 0; i < ref.length; i++) {
        const e = Math.abs(y[i]! - ref[i]!);
        max = Math.max(max, e);
        sumSq += e * e;
      }
      const rms = Math.sqrt(sumSq / ref.length);
      if (!file.resampled) {
        expect(max).toBe(0);
        return;
      }
      const bounds = BOUNDS[resType];
      expect(rms).toBeLessThan(bounds.rmsY);
      expect(max).toBeLessThan(bounds.maxY);
      // Downstream: mean |ΔD| over bins where librosa's D > −60 dB.
      const ours = powerToDb(melSpectrogram(y, { sr, nMels: 128 }), { ref: 'max' }).data;
      const theirs = readNpyFloat32(join(GOLDEN_DIR, `${name}_D.npy`)).data;
      let sum = 0;
      let count = 0;
      for (let i = 0; i < theirs.length; i++) {
        if (theirs[i]! > -60) {
          sum += Math.abs(ours[i]! - theirs[i]!);
          count++;
        }
      }
      expect(count).toBeGreaterThan(100);
      expect(sum / count).toBeLessThan(bounds.meanDb);
    });
  }
});
