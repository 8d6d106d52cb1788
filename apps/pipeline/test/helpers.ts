import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { encodeWavPcm16 } from '@earshot/demo-sounds';
import type { FeatureRecipe } from '@earshot/features-mel';
import { ConfigError } from '../src/config/index.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A small labelled folder dataset: `low` (tones around 300 Hz), `high` (around 2.5 kHz), `noise`
 * (white noise), clips of random length around `seconds`, each with a little noise, seeded.
 */
export async function writeToneDataset(root: string, perClass: number, seconds: number, sampleRate = 16000, seed = 1): Promise<string[]> {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const paths: string[] = [];
  for (const label of ['low', 'high', 'noise']) {
    await mkdir(join(root, label), { recursive: true });
    for (let k = 0; k < perClass; k++) {
      const n = Math.round(sampleRate * seconds * (0.7 + 0.6 * random()));
      const f = label === 'low' ? 250 + 100 * random() : 2200 + 600 * random();
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const noise = (random() * 2 - 1) * (label === 'noise' ? 0.5 : 0.02);
        y[i] = (label === 'noise' ? 0 : 0.4 * Math.sin((2 * Math.PI * f * i) / sampleRate)) + noise;
      }
      const path = join(root, label, `${label}-${k}.wav`);
      await writeFile(path, encodeWavPcm16(y, sampleRate));
      paths.push(path);
    }
  }
  return paths;
}

/** A log-mel recipe for tests (nFft 1024, hop 256, 40 mels at 22050 Hz), with `overrides` merged per section. */
export function testRecipe(overrides: { clip?: FeatureRecipe['clip']; mel?: Partial<FeatureRecipe['mel']>; sr?: number; normalization?: FeatureRecipe['normalization'] } = {}): FeatureRecipe {
  const sr = overrides.sr ?? 22050;
  return {
    version: 1,
    sr,
    clip: overrides.clip === undefined ? { duration: 1, pad: 'zeros', crop: 'start' } : overrides.clip,
    stft: { nFft: 1024, hopLength: 256, winLength: 1024, window: 'hann', center: true, padMode: 'constant' },
    mel: { nMels: 40, fmin: 0, fmax: sr / 2, htk: false, norm: 'slaney', power: 2, ...overrides.mel },
    db: { kind: 'power', ref: 'max', amin: 1e-10, topDb: 80 },
    mfcc: null,
    normalization: overrides.normalization ?? { kind: 'none' },
  };
}

/** The problems of the ConfigError `fn` throws (fails if it throws anything else, or nothing). */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** FSDD's recordings, beside the repository (CI has them too). */
export const FSDD_RECORDINGS = fileURLToPath(new URL('../../../../shared/datasets/fsdd/recordings/', import.meta.url));

/**
 * Links index 0–9 of every digit and speaker into `dir`: 600 real recordings, of which index 0–4 is
 * FSDD's official test split.
 */
export async function linkFsddSlice(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(FSDD_RECORDINGS)) {
    if (Number(/_(\d+)\.wav$/.exec(name)?.[1]) < 10) await symlink(join(FSDD_RECORDINGS, name), join(dir, name));
  }
}
