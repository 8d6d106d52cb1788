// The features stage through a shared cache: runs that extract into one cache at the same time
// split the work (each entry computed once), agree on every tensor, and a rerun computes nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureCache } from '@earshot/feature-cache';
import { createLogger } from '../src/log.js';
import { clipKeyer, featuresStage, type FeatureJob } from '../src/stages/features.js';
import { encodeWavPcm16 } from '@earshot/demo-sounds';
import { testRecipe } from './helpers.js';

const recipe = testRecipe({ clip: { duration: 0.5, pad: 'zeros', crop: 'start' } });
const log = createLogger({ quiet: true, tty: false });

let dir: string;
const jobs: FeatureJob[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'earshot-features-stage-'));
  for (let i = 0; i < 150; i++) {
    const sr = 8000;
    const y = Float32Array.from({ length: 3000 + 17 * i }, (_, n) => 0.3 * Math.sin((2 * Math.PI * (150 + 13 * i) * n) / sr));
    const path = join(dir, `clip-${i}.wav`);
    await writeFile(path, encodeWavPcm16(y, sr));
    jobs.push({ path, crop: 'start' });
  }
  // Identical content under another name: one entry serves both.
  await writeFile(join(dir, 'copy-of-0.wav'), encodeWavPcm16(Float32Array.from({ length: 3000 }, (_, n) => 0.3 * Math.sin((2 * Math.PI * 150 * n) / 8000)), 8000));
  jobs.push({ path: join(dir, 'copy-of-0.wav'), crop: 'start' });
  jobs.push({ path: join(dir, 'missing.wav'), crop: 'start' });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('featuresStage on a shared cache', () => {
  it('two concurrent runs compute each entry once and agree; a rerun computes nothing', async () => {
    const cacheDir = join(dir, 'cache');
    // Two cache instances have distinct claim owners, as two processes do.
    const [a, b] = [FeatureCache.open(cacheDir), FeatureCache.open(cacheDir)];
    const stage = (cache: FeatureCache) => featuresStage(jobs, { recipe, resType: 'speex', seed: 0, cache, workers: 1, log });
    const [ra, rb] = await Promise.all([stage(a), stage(b)]);

    expect(ra.computed + rb.computed).toBe(jobs.length - 1); // 150 distinct + the copy, each once
    expect(ra.failed.map((f) => f.path)).toEqual([join(dir, 'missing.wav')]);
    expect(rb.failed).toEqual(ra.failed);
    expect(rb.keys).toEqual(ra.keys);
    expect(ra.keys[0]).toBe(ra.keys[150]);
    expect(ra.shape).toEqual([40, 44]);
    for (const key of ra.keys.filter((k): k is string => k !== undefined)) {
      expect(b.get(key)!.data).toEqual(a.get(key)!.data);
    }
    await Promise.all([a.close(), b.close()]);

    const again = FeatureCache.open(cacheDir);
    const rerun = await stage(again);
    expect([rerun.cached, rerun.computed]).toEqual([jobs.length - 1, 0]);
    await again.close();
  }, 120_000);
});

describe('clipKeyer', () => {
  const hash = 'ab'.repeat(32);
  it('keys a random crop by the seed, other crops by content and parameters alone', () => {
    const [seed0, seed1] = [clipKeyer({ recipe, resType: 'speex', seed: 0 }), clipKeyer({ recipe, resType: 'speex', seed: 1 })];
    expect(seed1(hash, 'start')).toBe(seed0(hash, 'start'));
    expect(seed1(hash, 'random')).not.toBe(seed0(hash, 'random'));
    expect(new Set([seed0(hash, 'start'), seed0(hash, 'center'), seed0(hash, 'random')]).size).toBe(3);
    expect(clipKeyer({ recipe: testRecipe({ mel: { nMels: 64 } }), resType: 'speex', seed: 0 })(hash, 'start')).not.toBe(seed0(hash, 'start'));
    expect(clipKeyer({ recipe: testRecipe({ sr: 16000 }), resType: 'speex', seed: 0 })(hash, 'start')).not.toBe(seed0(hash, 'start'));
    expect(clipKeyer({ recipe: testRecipe({ clip: { duration: 0.5, pad: 'wrap', crop: 'start' } }), resType: 'speex', seed: 0 })(hash, 'start')).not.toBe(seed0(hash, 'start'));
  });

  it('keys by the resampler: soxr_hq features are never served to a speex run, or the reverse', () => {
    for (const crop of ['start', 'center', 'random'] as const) {
      expect(clipKeyer({ recipe, resType: 'soxr_hq', seed: 0 })(hash, crop)).not.toBe(clipKeyer({ recipe, resType: 'speex', seed: 0 })(hash, crop));
    }
  });

  it('ignores the normalisation, which is applied after the cache', () => {
    const standardized = testRecipe({ normalization: { kind: 'standardize', scope: 'global', mean: [-40], std: [12] } });
    expect(clipKeyer({ recipe: standardized, resType: 'speex', seed: 0 })(hash, 'start')).toBe(clipKeyer({ recipe: testRecipe(), resType: 'speex', seed: 0 })(hash, 'start'));
  });
});

