/**
 * bench:cache — does training memory stay flat as the dataset grows?
 *
 * For each dataset size a child process writes random 128×44 feature tensors into a temp cache,
 * and another child streams full epochs of shuffled batches through `cacheBatchSource` (then
 * trains seed-cnn on the wasm backend for a bounded number of steps). Each reading child reports
 * its peak RSS (`maxRSS`) and the peaks of its anonymous (heap, buffers) and file-backed (lmdb's
 * memory map) resident memory.
 * Then it times the features stage's warm path (read + hash + cache get) against computing the
 * features, on FSDD when present.
 *
 *   node apps/bench/dist/cache.js [--sizes 2000,20000] [--epochs 2] [--train-steps 8]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  FeatureCache,
  cacheBatchSource,
  featureKeyer,
  formatBytes,
  hashBytes,
  type BatchSource,
} from '@earshot/feature-cache';
import { fsddRecordings } from './workspace.js';

const N_MELS = 128;
const FRAMES = 44;
const N_CLASSES = 10;
const BATCH = 32;
const MB = 1e6;

interface StreamResult {
  clips: number;
  batches: number;
  streamSeconds: number;
  trainSteps: number | string;
  maxRssMB: number;
  peakAnonMB: number;
  peakFileMB: number;
}

// ---------------------------------------------------------------- child: fill
async function fill(dir: string, clips: number): Promise<void> {
  const cache = FeatureCache.open(dir);
  const started = performance.now();
  let state = 12345;
  const chunk = 256;
  for (let start = 0; start < clips; start += chunk) {
    const writes: Promise<void>[] = [];
    for (let i = start; i < Math.min(clips, start + chunk); i++) {
      const data = new Float32Array(N_MELS * FRAMES);
      for (let j = 0; j < data.length; j++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        data[j] = (state / 2 ** 32) * 80 - 80; // dB-like values
      }
      writes.push(cache.put(clipKey(i), { data, shape: [N_MELS, FRAMES] }));
    }
    await Promise.all(writes);
  }
  await cache.close();
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds }) + '\n');
}

function clipKey(i: number): string {
  return `bench-${i}`;
}

// ---------------------------------------------------------------- child: stream (+ train)
const peaks = { anon: 0, file: 0 };
function samplePeaks(): void {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  peaks.anon = Math.max(peaks.anon, kb('RssAnon') * 1024);
  peaks.file = Math.max(peaks.file, (kb('RssFile') + kb('RssShmem')) * 1024);
}

function shuffled(n: number, seed: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  let state = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

async function stream(dir: string, clips: number, epochs: number, trainSteps: number): Promise<void> {
  const cache = FeatureCache.open(dir);
  const keys = Array.from({ length: clips }, (_, i) => clipKey(i));
  const labels = Int32Array.from(keys, (_, i) => i % N_CLASSES);
  const source = cacheBatchSource(cache, keys, labels, [N_MELS, FRAMES]);
  const started = performance.now();
  let batches = 0;
  let checksum = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffled(clips, epoch + 1);
    for (let start = 0; start < clips; start += BATCH) {
      const batch = await source.read(order.subarray(start, start + BATCH));
      checksum += batch[0]!; // use the data so nothing is optimised away
      batches++;
      if (batches % 16 === 0) samplePeaks();
    }
  }
  const streamSeconds = (performance.now() - started) / 1000;
  samplePeaks();
  const trained = trainSteps > 0 ? await trainBounded(source, trainSteps) : 0;
  samplePeaks();
  await cache.close();
  const result: StreamResult = {
    clips,
    batches,
    streamSeconds,
    trainSteps: trained,
    maxRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    peakAnonMB: peaks.anon / MB,
    peakFileMB: peaks.file / MB,
  };
  if (!Number.isFinite(checksum)) throw new Error('bench: non-finite data read back');
  process.stdout.write(JSON.stringify(result) + '\n');
}

/**
 * A short real training: `steps` batches drawn from across the whole dataset (a strided view of
 * it), so tfjs's memory is measured along with the cache's without a full CPU epoch. tfjs is
 * imported here, not at the top, so a child that does not train never loads it.
 */
async function trainBounded(source: BatchSource, steps: number): Promise<number | string> {
  const [trainer, models, runtime] = await Promise.all([
    import('@earshot/trainer'),
    import('@earshot/model-cnn'),
    import('@earshot/tf-runtime'),
  ]);
  const backend = await runtime.initBackend({ backend: 'wasm' });
  const size = Math.min(source.size, (steps + 1) * BATCH);
  const stride = Math.floor(source.size / size);
  const subset: BatchSource = {
    size,
    sampleShape: source.sampleShape,
    labels: Int32Array.from({ length: size }, (_, i) => source.labels[i * stride]!),
    read: (indices) => source.read(Array.from(indices, (i) => i * stride)),
  };
  const model = models.buildModel({ name: 'seed-cnn' }, { inputShape: [N_MELS, FRAMES], nClasses: N_CLASSES, seed: 0 });
  let batches = 0;
  const stop = new AbortController();
  const started = performance.now();
  await trainer.train({
    model,
    train: subset,
    epochs: 1,
    batchSize: BATCH,
    lr: 1e-3,
    seed: 0,
    signal: stop.signal,
    onBatchEnd: () => {
      batches++;
      samplePeaks();
      if (batches >= steps) stop.abort();
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return `${batches} steps of seed-cnn on ${backend.backend} in ${seconds.toFixed(1)} s`;
}

// ---------------------------------------------------------------- parent
function runChild(args: string[]): string {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, [self, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`bench child ${args[0]} failed (${result.status}):\n${result.stderr}`);
  return result.stdout.trim().split('\n').pop()!;
}

/** Warm cache vs computing: the features stage's per-file work for up to 3000 FSDD clips. */
async function warmCacheSpeedup(): Promise<string[]> {
  const fsdd = fsddRecordings();
  if (!existsSync(fsdd)) return [`warm cache: skipped (${fsdd} not found)`];
  const files = readdirSync(fsdd).filter((f) => f.endsWith('.wav')).slice(0, 3000).map((f) => join(fsdd, f));
  const [mel, audio] = await Promise.all([import('@earshot/features-mel'), import('@earshot/dataset-io')]);
  const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-warm-'));
  try {
    const cache = FeatureCache.open(dir);
    const decode = { sr: 22050, mono: true };
    const features = { kind: 'melspectrogram', nMels: N_MELS, nFft: 2048, hopLength: 512 };
    const extractor = mel.createMelExtractor({ sr: 22050, nMels: N_MELS, nFft: 2048, hopLength: 512 });
    const keyOf = featureKeyer({ decode, features, codeVersion: 'bench' });

    let started = performance.now();
    const writes: Promise<void>[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      const audioHash = hashBytes(bytes);
      const { y } = await audio.loadAudio(bytes, { sr: 22050 });
      const spec = extractor.compute(y);
      cache.fileHash(file); // what the features stage does, so the warm run can skip hashing
      writes.push(cache.put(keyOf(audioHash), { data: spec.data, shape: [spec.rows, spec.cols] }));
    }
    await Promise.all(writes);
    const coldSeconds = (performance.now() - started) / 1000;

    started = performance.now();
    let hits = 0;
    for (const file of files) if (cache.get(keyOf(hashBytes(readFileSync(file))))) hits++;
    const rehashSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    for (const file of files) if (cache.knownShape(keyOf(cache.fileHash(file)))) hits++;
    const warmSeconds = (performance.now() - started) / 1000;
    await cache.close();
    return [
      `warm cache (${files.length} FSDD clips, single thread): compute+put ${coldSeconds.toFixed(2)} s, ` +
        `read+hash+get ${rehashSeconds.toFixed(3)} s (${(coldSeconds / rehashSeconds).toFixed(0)}×), ` +
        `memoized fileHash + knownShape ${warmSeconds.toFixed(3)} s (${(coldSeconds / warmSeconds).toFixed(0)}×); ${hits} hits`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '2000,20000' },
      epochs: { type: 'string', default: '2' },
      'train-steps': { type: 'string', default: '8' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const results: StreamResult[] = [];
  for (const clips of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-cache-'));
    try {
      const { seconds } = JSON.parse(runChild(['fill', dir, String(clips)])) as { seconds: number };
      const payload = clips * N_MELS * FRAMES * 4;
      console.log(`${clips} clips: wrote ${formatBytes(payload)} of tensors in ${seconds.toFixed(1)} s (${(payload / MB / seconds).toFixed(0)} MB/s)`);
      const result = JSON.parse(runChild(['stream', dir, String(clips), values.epochs, values['train-steps']])) as StreamResult;
      console.log(
        `${clips} clips: ${result.batches} batches in ${result.streamSeconds.toFixed(1)} s; training: ${result.trainSteps}; ` +
          `peak RSS ${result.maxRssMB.toFixed(0)} MB (anonymous ${result.peakAnonMB.toFixed(0)} MB, lmdb map ${result.peakFileMB.toFixed(0)} MB)`,
      );
      results.push(result);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (results.length >= 2) {
    const small = results[0]!;
    const large = results[results.length - 1]!;
    const sizeRatio = large.clips / small.clips;
    console.log(
      `\npeak RSS ${small.clips} → ${large.clips} clips (${sizeRatio}× data): ` +
        `${small.maxRssMB.toFixed(0)} → ${large.maxRssMB.toFixed(0)} MB, ratio ${(large.maxRssMB / small.maxRssMB).toFixed(2)}; ` +
        `anonymous ${small.peakAnonMB.toFixed(0)} → ${large.peakAnonMB.toFixed(0)} MB, ratio ${(large.peakAnonMB / small.peakAnonMB).toFixed(2)}`,
    );
  }
  for (const line of await warmCacheSpeedup()) console.log(line);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'fill') await fill(args[0]!, Number(args[1]));
else if (mode === 'stream') await stream(args[0]!, Number(args[1]), Number(args[2]), Number(args[3]));
else await main();
