import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_GENERATOR_VERSION,
  DEMO_LABELS,
  DEMO_MANIFEST,
  DEMO_SAMPLE_RATE,
  demoClipPath,
  encodeWavPcm16,
  ensureDemoDataset,
  generateClip,
  resolveDemoParams,
} from '../src/index.js';
import { logBandEnergies, median, parseWav, spectralCentroid } from './helpers.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'earshot-demo-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const dbfs = (x: Float32Array) => 20 * Math.log10(Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length));
const peakOf = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('encodeWavPcm16', () => {
  it('writes a canonical mono 16-bit PCM file that parses back', () => {
    const x = Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -2]);
    const bytes = encodeWavPcm16(x, 22050);
    expect(bytes.length).toBe(44 + 2 * x.length);
    const wav = parseWav(bytes);
    expect(wav).toMatchObject({ sampleRate: 22050, channels: 1, bitsPerSample: 16 });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(4, true)).toBe(36 + 2 * x.length); // RIFF size
    expect(view.getUint32(28, true)).toBe(44100); // byte rate
    const ints = Array.from({ length: x.length }, (_, i) => view.getInt16(44 + 2 * i, true));
    expect(ints.slice(0, 5)).toEqual([0, 16384, -16383, 32767, -32767]); // round(x · 32767)
    expect(wav.samples[1]).toBeCloseTo(0.5, 4);
    // Out-of-range samples are clamped, not wrapped.
    expect(view.getInt16(44 + 2 * 5, true)).toBe(32767);
    expect(view.getInt16(44 + 2 * 6, true)).toBe(-32767);
  });

  it('rejects a bad sample rate', () => {
    expect(() => encodeWavPcm16(new Float32Array(4), 0)).toThrow(/sampleRate/);
  });
});

describe('generateClip', () => {
  it('is deterministic for a (seed, label, index)', () => {
    const spec = { label: 'car' as const, index: 3, seed: 11, seconds: 1 };
    expect(generateClip(spec)).toEqual(generateClip(spec));
    expect(generateClip(spec)).not.toEqual(generateClip({ ...spec, seed: 12 }));
    expect(generateClip(spec)).not.toEqual(generateClip({ ...spec, index: 4 }));
  });
});

describe('ensureDemoDataset', () => {
  it('validates its options', async () => {
    expect(resolveDemoParams()).toEqual({ seed: 0, perClass: 80, seconds: 2.5, sampleRate: DEMO_SAMPLE_RATE });
    await expect(ensureDemoDataset(join(scratch, 'bad'), { perClass: 0 })).rejects.toThrow(/perClass/);
    await expect(ensureDemoDataset(join(scratch, 'bad'), { seconds: -1 })).rejects.toThrow(/seconds/);
  });

  it('writes the same bytes for the same seed, different bytes for another seed', async () => {
    const opts = { seed: 5, perClass: 3, seconds: 0.5 };
    const a = await ensureDemoDataset(join(scratch, 'a'), opts);
    const b = await ensureDemoDataset(join(scratch, 'b'), opts);
    const c = await ensureDemoDataset(join(scratch, 'c'), { ...opts, seed: 6 });
    for (const label of DEMO_LABELS) {
      for (let i = 0; i < 3; i++) {
        const [fa, fb, fc] = await Promise.all([a, b, c].map((root) => readFile(join(root, demoClipPath(label, i)))));
        expect(fa.equals(fb as Buffer)).toBe(true);
        expect(fa.equals(fc as Buffer)).toBe(false);
      }
    }
  });

  it('reuses a matching dataset and regenerates when the parameters change', async () => {
    const root = join(scratch, 'reuse');
    const opts = { seed: 1, perClass: 2, seconds: 0.5 };
    expect(await ensureDemoDataset(root, opts)).toBe(root);
    const manifest = JSON.parse(await readFile(join(root, DEMO_MANIFEST), 'utf8'));
    expect(manifest).toMatchObject({ generator: 'earshot-demo', params: { seed: 1, perClass: 2, seconds: 0.5 }, files: 6 });
    const before = (await stat(join(root, demoClipPath('bird', 0)))).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await ensureDemoDataset(root, opts);
    expect((await stat(join(root, demoClipPath('bird', 0)))).mtimeMs).toBe(before);

    await ensureDemoDataset(root, { ...opts, perClass: 3 });
    expect(await readdir(join(root, 'rain'))).toHaveLength(3);
    expect(JSON.parse(await readFile(join(root, DEMO_MANIFEST), 'utf8')).params.perClass).toBe(3);
    // A dataset from an older generator is regenerated even with the same parameters.
    const manifestPath = join(root, DEMO_MANIFEST);
    const current = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...current, version: DEMO_GENERATOR_VERSION - 1 }));
    await ensureDemoDataset(root, { ...opts, perClass: 3 });
    expect(JSON.parse(await readFile(manifestPath, 'utf8')).version).toBe(DEMO_GENERATOR_VERSION);
    // No temporary or retired folders are left next to it.
    expect((await readdir(scratch)).filter((name) => name.includes('.tmp-') || name.includes('.old-'))).toEqual([]);
  });

  it('survives two generations of the same dataset at once', async () => {
    const root = join(scratch, 'race');
    const opts = { seed: 2, perClass: 2, seconds: 0.5 };
    const [a, b] = await Promise.all([ensureDemoDataset(root, opts), ensureDemoDataset(root, opts)]);
    expect(a).toBe(root);
    expect(b).toBe(root);
    for (const label of DEMO_LABELS) expect(await readdir(join(root, label))).toHaveLength(2);
    expect((await readdir(scratch)).filter((name) => name.startsWith('.race.'))).toEqual([]);
  });

  it('refuses to overwrite a folder that is not a demo dataset', async () => {
    const root = join(scratch, 'user-data');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'precious.wav'), 'x');
    await expect(ensureDemoDataset(root, { perClass: 1, seconds: 0.5 })).rejects.toThrow(/user-data.*refusing/);
    expect(await readdir(root)).toEqual(['precious.wav']);
  });

  it('ignores and cleans up what a killed generation left behind', async () => {
    const root = join(scratch, 'killed');
    // A killed run leaves only its temporary sibling: the target itself never exists half-written.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number; // a pid that has exited
    const leftover = join(scratch, `.killed.tmp-${dead}-0badc0de`);
    const running = join(scratch, `.killed.tmp-${process.pid}-00000001`); // a live generation: keep
    for (const dir of [leftover, running]) {
      await mkdir(join(dir, 'bird'), { recursive: true });
      await writeFile(join(dir, 'bird', 'bird-000.wav'), 'truncated');
    }
    await ensureDemoDataset(root, { perClass: 1, seconds: 0.5 });
    expect(JSON.parse(await readFile(join(root, DEMO_MANIFEST), 'utf8')).files).toBe(3);
    const siblings = await readdir(scratch);
    expect(siblings).not.toContain(`.killed.tmp-${dead}-0badc0de`);
    expect(siblings).toContain(`.killed.tmp-${process.pid}-00000001`);
    await rm(running, { recursive: true });
  });
});

describe('the default demo dataset', () => {
  let root: string;
  const clips: Record<string, Float32Array[]> = {};
  beforeAll(async () => {
    root = await ensureDemoDataset(join(scratch, 'default'));
    for (const label of DEMO_LABELS) {
      const names = (await readdir(join(root, label))).sort();
      clips[label] = [];
      for (const name of names) {
        const wav = parseWav(await readFile(join(root, label, name)));
        expect(wav).toMatchObject({ sampleRate: 22050, channels: 1, bitsPerSample: 16 });
        clips[label]!.push(wav.samples);
      }
    }
  }, 60_000);

  it('is balanced: 80 clips in each of bird, car and rain', async () => {
    expect((await readdir(root)).filter((name) => !name.startsWith('.')).sort()).toEqual(['bird', 'car', 'rain']);
    for (const label of DEMO_LABELS) expect(clips[label]).toHaveLength(80);
  });

  it('has clips of 2–3 s with varied lengths', () => {
    for (const label of DEMO_LABELS) {
      const seconds = clips[label]!.map((y) => y.length / 22050);
      expect(Math.min(...seconds)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...seconds)).toBeLessThanOrEqual(3);
      expect(Math.max(...seconds) - Math.min(...seconds)).toBeGreaterThan(0.5);
    }
  });

  it('has random but sane levels: never silent, never clipped', () => {
    for (const label of DEMO_LABELS) {
      const levels = clips[label]!.map(dbfs);
      expect(Math.min(...levels)).toBeGreaterThan(-33);
      expect(Math.max(...levels)).toBeLessThan(-13);
      expect(Math.max(...levels) - Math.min(...levels)).toBeGreaterThan(10); // gains really vary
      for (const y of clips[label]!) expect(peakOf(y)).toBeLessThanOrEqual(0.981);
    }
  });

  it('gives classes spectra that differ but overlap', () => {
    const sr = 22050;
    const subset = (label: string) => clips[label]!.slice(0, 30);
    const centroid = Object.fromEntries(DEMO_LABELS.map((l) => [l, subset(l).map((y) => spectralCentroid(y, sr))]));
    const [bird, car, rain] = [centroid.bird!, centroid.car!, centroid.rain!];
    // Engines sit low; birds and rain are bright.
    expect(median(car)).toBeLessThan(600);
    expect(median(bird)).toBeGreaterThan(2 * median(car));
    expect(median(rain)).toBeGreaterThan(2 * median(car));
    // Bird and rain centroids overlap: no single threshold separates them.
    expect(Math.min(...bird)).toBeLessThan(Math.max(...rain));
    expect(Math.min(...rain)).toBeLessThan(Math.max(...bird));
    // Each class's clips vary (random pitches, RPMs, filters), not one template.
    for (const values of [bird, car, rain]) expect(Math.max(...values) / Math.min(...values)).toBeGreaterThan(1.5);

    // A nearest-class-mean rule on spectral shape works well above chance, but not perfectly.
    const vectors = DEMO_LABELS.map((l) => subset(l).map((y) => logBandEnergies(y, sr)));
    const means = vectors.map((rows) => rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length));
    let correct = 0, total = 0;
    vectors.forEach((rows, label) => {
      for (const v of rows) {
        const distances = means.map((m) => m.reduce((s, x, j) => s + (x - v[j]!) ** 2, 0));
        if (distances.indexOf(Math.min(...distances)) === label) correct++;
        total++;
      }
    });
    expect(correct / total).toBeGreaterThan(0.6);
    expect(correct / total).toBeLessThan(1);
  }, 60_000);
});
