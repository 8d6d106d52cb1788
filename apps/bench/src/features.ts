// `pnpm bench:features`: decode + resample + mel + dB throughput, single-threaded (earshot with each
// resampler, and librosa 0.11 measured in the same run) and on the worker pool, on FSDD and on
// generated 5 s 44.1 kHz clips.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeAudio, loadAudio, resample, resamplerStatus, resolveResType, toMono, type ResType } from '@earshot/dataset-io';
import { createRecipeExtractor } from '@earshot/features-mel';
import { parseExperiment, recipeFromConfig } from '@earshot/pipeline/config';
import { createFeaturePool } from '@earshot/pipeline/features-pool';
import { librosaMissing, measureLibrosa } from './librosa.js';
import { cpuModel, loadLine } from './machine.js';
import { fsddRecordings } from './workspace.js';

/** The resamplers earshot has here: soxr_hq only where @earshot/native is built. */
const resTypes: ResType[] = resolveResType('auto') === 'soxr_hq' ? ['soxr_hq', 'speex'] : ['speex'];

/** An experiment's default features (the seed recipe): each clip at its own length → 128-band mel → power_to_db(ref=max). */
const recipe = recipeFromConfig(parseExperiment({ dataset: { preset: 'demo' } }));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** CPU milliseconds (user + system) of this process, worker threads included. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Measure {
  /** Wall-clock files/s. */
  rate: number;
  /** CPU ms per file (the whole process: on a shared machine this is the steadier figure). */
  cpuPerFile: number;
}

/** One extractor for the whole run, as a pool worker keeps one: its WebAssembly kernel stays warm across chunks. */
const extractor = createRecipeExtractor(recipe);

async function singleThreaded(files: readonly string[], resType: ResType): Promise<Measure> {
  // Files are read synchronously, as the pool's workers read them.
  const fromFile = async (f: string) => extractor.features((await loadAudio(readFileSync(f), { sr: recipe.sr, mono: true, resType })).y);
  await fromFile(files[0]!); // warm-up: wasm resampler, FFT plan
  const c0 = cpuMs();
  const t0 = performance.now();
  for (const f of files) await fromFile(f);
  return { rate: files.length / ((performance.now() - t0) / 1000), cpuPerFile: (cpuMs() - c0) / files.length };
}

/** CPU ms per file of each stage, in-process: read + decode + downmix, resample, mel + dB. */
async function stageSplit(files: readonly string[], resType: ResType): Promise<{ decode: number; resample: number; mel: number }> {
  const sample = files.slice(0, Math.min(files.length, 300));
  const total = { decode: 0, resample: 0, mel: 0 };
  for (const [i, f] of sample.entries()) {
    const c0 = cpuMs();
    const audio = await decodeAudio(readFileSync(f), f);
    const mono = toMono(audio.channels);
    const c1 = cpuMs();
    const y = audio.sampleRate === recipe.sr ? mono : resample(mono, audio.sampleRate, recipe.sr, { resType });
    const c2 = cpuMs();
    extractor.features(y);
    const c3 = cpuMs();
    if (i === 0) continue; // warm-up
    total.decode += c1 - c0;
    total.resample += c2 - c1;
    total.mel += c3 - c2;
  }
  const n = Math.max(1, sample.length - 1);
  return { decode: total.decode / n, resample: total.resample / n, mel: total.mel / n };
}

async function pooled(files: readonly string[], workers: number): Promise<Measure> {
  const pool = createFeaturePool(workers);
  const task = (path: string) => pool.run({ path, recipe, resType: resTypes[0]!, crop: 'start', seed: 0 });
  await Promise.all(Array.from({ length: workers * 32 }, (_, i) => task(files[i % files.length]!))); // warm every worker
  const c0 = cpuMs();
  const t0 = performance.now();
  const results = await Promise.all(files.map(task));
  const measure = { rate: files.length / ((performance.now() - t0) / 1000), cpuPerFile: (cpuMs() - c0) / files.length };
  await pool.close();
  const failed = results.filter((r): r is Extract<typeof r, { ok: false }> => !r.ok);
  if (failed.length) throw new Error(`${failed.length} files failed, e.g. ${failed[0]!.path}: ${failed[0]!.reason}`);
  return measure;
}

/** 16-bit PCM WAV of a chirp + harmonics + noise, seeded. */
function syntheticClip(seconds: number, sr: number, seed: number): Uint8Array {
  const n = Math.round(seconds * sr);
  const out = Buffer.alloc(44 + 2 * n);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + 2 * n, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sr, 24);
  out.writeUInt32LE(2 * sr, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(2 * n, 40);
  let state = seed * 2654435761 >>> 0;
  const f0 = 100 + (seed % 50) * 20;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const t = i / sr;
    const y = 0.3 * Math.sin(2 * Math.PI * f0 * t * (1 + t / 4)) + 0.1 * Math.sin(2 * Math.PI * 3 * f0 * t) + 0.05 * (state / 2 ** 31 - 1);
    out.writeInt16LE(Math.round(y * 32767), 44 + 2 * i);
  }
  return out;
}

const ms = (v: number) => v.toFixed(2).padStart(6);

function row(name: string, m: Measure, librosa: Measure | null, extra = ''): string {
  // Wall-clock ratio, and the CPU-time ratio, steadier on a shared machine.
  const ratio = librosa ? `   ${(m.rate / librosa.rate).toFixed(2)}× librosa (CPU ${(librosa.cpuPerFile / m.cpuPerFile).toFixed(2)}×)` : '';
  return `  ${name.padEnd(30)} ${m.rate.toFixed(1).padStart(7)} files/s  ${ms(m.cpuPerFile)} CPU ms/file${ratio}${extra}`;
}

/** Files, wall seconds and CPU ms summed over chunks. */
interface Totals {
  files: number;
  seconds: number;
  cpuMs: number;
}

function addTo(totals: Totals | undefined, files: number, m: Measure): Totals {
  return { files: (totals?.files ?? 0) + files, seconds: (totals?.seconds ?? 0) + files / m.rate, cpuMs: (totals?.cpuMs ?? 0) + m.cpuPerFile * files };
}

const measureOf = (t: Totals): Measure => ({ rate: t.files / t.seconds, cpuPerFile: t.cpuMs / t.files });

function chunked<T>(items: readonly T[], chunks: number): T[][] {
  const size = Math.ceil(items.length / Math.max(1, Math.min(chunks, items.length)));
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/**
 * librosa and earshot single-threaded on the same files, chunk by chunk in turn, so that both sides
 * see the same machine (a shared machine's load changes within a minute); totals over all chunks.
 */
async function singleThreadedRows(files: readonly string[], chunks: number): Promise<{ earshot: Measure; librosa: Measure | null }> {
  let librosaError = librosaMissing();
  let librosa: Totals | undefined;
  const librosaStages = { load: 0, melDb: 0 };
  let versions: Record<string, string> = {};
  const earshot = new Map<ResType, Totals>();
  for (const chunk of chunked(files, chunks)) {
    if (!librosaError) {
      try {
        const m = await measureLibrosa(chunk);
        librosa = addTo(librosa, chunk.length, m);
        librosaStages.load += m.stages.load * chunk.length;
        librosaStages.melDb += m.stages.melDb * chunk.length;
        versions = m.versions;
      } catch (error) {
        librosaError = (error as Error).message;
      }
    }
    for (const resType of resTypes) earshot.set(resType, addTo(earshot.get(resType), chunk.length, await singleThreaded(chunk, resType)));
  }
  const reference = librosa && !librosaError ? measureOf(librosa) : null;
  if (reference) {
    const n = librosa!.files;
    console.log(`  CPU ms per file, librosa ${versions.librosa}: load (decode + soxr_hq) ${(librosaStages.load / n).toFixed(2)}, mel + dB ${(librosaStages.melDb / n).toFixed(2)}`);
    console.log(row(`librosa ${versions.librosa}, soxr_hq, 1 thread`, reference, null));
  } else {
    console.log(`  librosa: not measured (${librosaError})`);
  }
  for (const [resType, totals] of earshot) console.log(row(`earshot, ${resType}, 1 thread`, measureOf(totals), reference));
  return { earshot: measureOf(earshot.get(resTypes[0]!)!), librosa: reference };
}

async function benchSet(title: string, files: readonly string[], maxWorkers: number, chunks: number): Promise<void> {
  console.log(`${title}: ${files.length} files; single-threaded rows: librosa and earshot in turn, ${chunks} chunks each`);
  for (const resType of resTypes) {
    const split = await stageSplit(files, resType);
    console.log(
      `  CPU ms per file, earshot ${resType.padEnd(7)}: decode ${split.decode.toFixed(2)}, resample ${split.resample.toFixed(2)}, mel + dB ${split.mel.toFixed(2)}`,
    );
  }
  const single = await singleThreadedRows(files, chunks);
  let one: Measure | undefined;
  for (let w = 1; w <= maxWorkers; w++) {
    const m = await pooled(files, w);
    one ??= m;
    const scaling = `   scaling ${(m.rate / single.earshot.rate).toFixed(2)}× 1 thread, ${(m.rate / one.rate).toFixed(2)}× 1 worker`;
    // One worker is one core, as the pipeline extracts features: its ratio is per core; more workers' is per machine.
    console.log(row(`earshot pool, ${w} worker${w > 1 ? 's' : ''} (${resTypes[0]})`, m, single.librosa, scaling));
  }
}

async function main(): Promise<void> {
  const workers = Number(arg('workers') ?? Math.min(2, availableParallelism()));
  const chunks = Math.max(1, Number(arg('chunks') ?? 4));
  const fsddArg = arg('fsdd');
  const fsdd = fsddArg === undefined ? fsddRecordings() : resolve(fsddArg);
  console.log('bench:features: decode + resample (→22050 Hz) + mel (n_fft 2048, hop 512, 128 mels) + power_to_db(ref=max)');
  console.log(`  ${cpuModel()}, ${loadLine()}`);
  console.log(`  earshot resampler: auto → ${resTypes[0]} (${resamplerStatus()})`);
  if (existsSync(fsdd)) {
    const files = (await readdir(fsdd)).filter((f) => f.endsWith('.wav')).sort().map((f) => join(fsdd, f));
    const limit = Number(arg('limit') ?? files.length);
    if (limit > 0) await benchSet(`FSDD (${fsdd})`, files.slice(0, limit), workers, chunks);
  } else {
    console.log(`FSDD: not found at ${fsdd} (pass --fsdd <dir>); skipped`);
  }
  const count = Number(arg('clips') ?? 200);
  if (count <= 0) return;
  const dir = await mkdtemp(join(tmpdir(), 'earshot-bench-'));
  try {
    const clips: string[] = [];
    for (let i = 0; i < count; i++) {
      const path = join(dir, `clip-${String(i).padStart(4, '0')}.wav`);
      await writeFile(path, syntheticClip(5, 44100, i + 1));
      clips.push(path);
    }
    await benchSet('5 s clips at 44.1 kHz (generated)', clips, workers, chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
console.log(`${loadLine()} at the end`);
