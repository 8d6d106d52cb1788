import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeNpy, type NpyArray } from '../src/index.js';

/** Walks up to the pnpm workspace root; the shared data sits next to it at ../shared. */
function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('pnpm-workspace.yaml not found above the test directory');
    dir = parent;
  }
  return dir;
}

export const REFERENCE_DIR = resolve(workspaceRoot(), '../shared/reference/librosa-0.11.0');
export const hasReference = existsSync(join(REFERENCE_DIR, 'golden.json'));

export function loadNpy(file: string): NpyArray {
  const path = join(REFERENCE_DIR, file);
  return decodeNpy(new Uint8Array(readFileSync(path)), path);
}

export interface GoldenJson {
  params: { n_mels: number; n_fft: number; hop_length: number };
  files: Record<string, { resampled: boolean; S_shape: number[]; D_shape: number[]; y_shape: number[]; mfcc_shape?: number[] }>;
}

export function loadGolden(): GoldenJson {
  return JSON.parse(readFileSync(join(REFERENCE_DIR, 'golden.json'), 'utf8')) as GoldenJson;
}

/** Largest |a - b|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Direct O(n²) DFT bin k of a real frame, in float64: the textbook definition the FFT must match. */
export function naiveDft(x: ArrayLike<number>, k: number): [number, number] {
  let re = 0;
  let im = 0;
  const n = x.length;
  for (let j = 0; j < n; j++) {
    const a = (-2 * Math.PI * ((j * k) % n)) / n;
    re += x[j]! * Math.cos(a);
    im += x[j]! * Math.sin(a);
  }
  return [re, im];
}
