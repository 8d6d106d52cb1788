// The feature pool batches queued files per worker message; each file must still get its own result,
// identical to the in-process pipeline's, with failures reported per file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashBytes } from '@earshot/feature-cache/keys';
import { createFileFeatures, cropSeed } from '../src/features/file-features.js';
import { createFeaturePool } from '../src/features/pool.js';
import { encodeWavPcm16 } from '@earshot/demo-sounds';
import { testRecipe } from './helpers.js';

const recipe = testRecipe();

let dir: string;
const files: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'earshot-pool-'));
  for (let i = 0; i < 23; i++) {
    // Distinct clips (tone, length and rate vary) so a result swapped between files is caught.
    const sr = i % 3 === 0 ? 8000 : 16000;
    const y = Float32Array.from({ length: Math.round(sr * (0.4 + 0.05 * i)) }, (_, n) => 0.3 * Math.sin((2 * Math.PI * (200 + 90 * i) * n) / sr));
    const path = join(dir, `clip-${i}.wav`);
    await writeFile(path, encodeWavPcm16(y, sr));
    files.push(path);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('feature pool', () => {
  it('returns each file its own tensor, identical to in-process extraction, across batches and workers', async () => {
    const pool = createFeaturePool(2, { maxBatch: 4 });
    const inProcess = createFileFeatures(recipe, 'speex');
    const missing = join(dir, 'missing.wav');
    const paths = [...files.slice(0, 11), missing, ...files.slice(11)];
    try {
      const results = await Promise.all(
        paths.map((path, i) => pool.run({ path, recipe, resType: 'speex', crop: i % 2 ? 'random' : 'start', seed: 7 })),
      );
      expect(results.map((r) => r.path)).toEqual(paths);
      for (const [i, result] of results.entries()) {
        if (paths[i] === missing) {
          expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot read: ENOENT/) });
          continue;
        }
        if (!result.ok) throw new Error(`${result.path}: ${result.reason}`);
        const bytes = await readFile(paths[i]!);
        expect(result.audioHash).toBe(hashBytes(bytes));
        const crop = i % 2 ? ('random' as const) : ('start' as const);
        const expected = await inProcess.fromBytes(bytes, crop === 'random' ? { crop, seed: cropSeed(7, result.audioHash) } : { crop });
        expect(result.shape).toEqual([expected.rows, expected.cols]);
        expect(result.data).toEqual(expected.data);
      }
    } finally {
      await pool.close();
    }
  });

  it('rejects files still queued when it is closed, and runs after close', async () => {
    const pool = createFeaturePool(1, { maxBatch: 1 });
    const runs = files.map((path) => pool.run({ path, recipe, resType: 'speex', crop: 'start', seed: 0 }));
    const all = Promise.allSettled(runs);
    await runs[0];
    await pool.close();
    const settled = await all;
    expect(settled[0]!.status).toBe('fulfilled');
    expect(settled.some((s) => s.status === 'rejected')).toBe(true);
    await expect(pool.run({ path: files[0]!, recipe, resType: 'speex', crop: 'start', seed: 0 })).rejects.toThrow(/closed/);
  });
});
