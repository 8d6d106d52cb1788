// Measures decode and resample cost and the resampler's error vs librosa 0.11 (soxr_hq).
// Usage (after `pnpm build`): node bench/load.mjs [nFiles=600]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudio, loadAudio, resample, toMono } from '../dist/index.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const shared = join(repo, '..', 'shared');
const goldenDir = join(shared, 'reference', 'librosa-0.11.0');
const fsddDir = join(shared, 'datasets', 'fsdd', 'recordings');
const qualities = ['hq', 'medium', 'fast'];
const mel = await import('@earshot/features-mel').catch(() => null);

function npy(path) {
  const b = readFileSync(path);
  const start = 10 + b.readUInt16LE(8);
  return new Float32Array(b.buffer.slice(b.byteOffset + start, b.byteOffset + b.length));
}

if (existsSync(goldenDir)) {
  const golden = JSON.parse(readFileSync(join(goldenDir, 'golden.json'), 'utf8')).files;
  console.log('Error vs librosa.load (soxr_hq), resampled golden files:');
  console.log('file\tquality\tmax|Δy|\trms Δy\tmean|ΔD| (D>-60)');
  for (const [name, file] of Object.entries(golden)) {
    if (!file.resampled) continue;
    const ref = npy(join(goldenDir, `${name}_y.npy`));
    const refD = npy(join(goldenDir, `${name}_D.npy`));
    for (const quality of qualities) {
      const { y, sr } = await loadAudio(join(goldenDir, file.wav), { quality });
      let max = 0, sq = 0;
      for (let i = 0; i < ref.length; i++) { const e = Math.abs(y[i] - ref[i]); max = Math.max(max, e); sq += e * e; }
      let dDb = 'n/a';
      if (mel) {
        const D = mel.powerToDb(mel.melSpectrogram(y, { sr, nMels: 128 }), { ref: 'max' }).data;
        let s = 0, n = 0;
        for (let i = 0; i < refD.length; i++) if (refD[i] > -60) { s += Math.abs(D[i] - refD[i]); n++; }
        dDb = (s / n).toFixed(4);
      }
      console.log(`${name}\t${quality}\t${max.toExponential(2)}\t${Math.sqrt(sq / ref.length).toExponential(2)}\t${dDb}`);
    }
  }
}

/** CPU µs per call (user+system): steadier than wall time on a shared machine. */
function time(fn, reps) {
  fn();
  const c = process.cpuUsage();
  for (let i = 0; i < reps; i++) fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / reps;
}

if (existsSync(fsddDir)) {
  const n = Number(process.argv[2] ?? 600);
  const files = readdirSync(fsddDir).sort().slice(0, n).map((f) => readFileSync(join(fsddDir, f)));
  const decoded = [];
  for (const bytes of files) decoded.push(await decodeAudio(bytes, 'fsdd')); // warm-up
  let c = process.cpuUsage();
  for (const bytes of files) await decodeAudio(bytes, 'fsdd');
  let d = process.cpuUsage(c);
  console.log(`\nFSDD (${files.length} files, 8 kHz → 22.05 kHz), CPU time: decode ${((d.user + d.system) / files.length).toFixed(0)} µs/file`);
  const monos = decoded.map((a) => toMono(a.channels));
  for (const quality of qualities) {
    resample(monos[0], 8000, 22050, quality);
    c = process.cpuUsage();
    for (const y of monos) resample(y, 8000, 22050, quality);
    d = process.cpuUsage(c);
    console.log(`  resample ${quality}: ${((d.user + d.system) / monos.length).toFixed(0)} µs/clip`);
  }
}

const five = new Float32Array(5 * 44100);
for (let i = 0; i < five.length; i++) five[i] = 0.3 * Math.sin(i * 0.05) + 0.05 * Math.sin(i * 1.3);
console.log('\n5 s clip, 44.1 kHz → 22.05 kHz:');
for (const quality of qualities) console.log(`  resample ${quality}: ${time(() => resample(five, 44100, 22050, quality), 20).toFixed(0)} µs/clip`);
