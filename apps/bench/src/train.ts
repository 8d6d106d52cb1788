/**
 * `pnpm bench:train`: seed-CNN training step time (forward + backward + Adam, batch 32) at
 * 128×44 and 128×216 on each available tfjs backend, against PyTorch CPU in the same run.
 *
 * Options: --steps N (10), --warmup N (3), --frames 44,216, --classes N (10),
 * --cpu-steps N (1; 0 skips the very slow cpu backend), --torch-threads 2,1 (one PyTorch row each),
 * --wasm-threads 2 (rows for the threaded-SIMD wasm build, each in a child process: the build is
 * chosen once per process; 0 for none), --train-workers 2 (rows for @earshot/trainer's own step on
 * repaired wasm: one thread, then data-parallel over N worker threads; 0 for none), --profile.
 * --trainer-only measures just the trainer rows (and PyTorch). Trainer rows also report the process CPU time per step (all threads), robust to other load.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '@earshot/model-cnn';
import { initBackend, type InitBackendOptions } from '@earshot/tf-runtime';
import { arraySource, train } from '@earshot/trainer';

const N_MELS = 128;
const BATCH = 32;
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-torch installs

interface Options {
  steps: number; warmup: number; frames: number[]; classes: number;
  cpuSteps: number; torchThreads: number[]; wasmThreads: number[]; trainWorkers: number[]; trainerOnly: boolean; profile: boolean;
  /** Internal: measure only repaired wasm with this many threads, print JSON (child process). */
  childThreads: number | null;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { steps: 10, warmup: 3, frames: [44, 216], classes: 10, cpuSteps: 1, torchThreads: [2, 1], wasmThreads: [2], trainWorkers: [2], trainerOnly: false, profile: false, childThreads: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--profile') { options.profile = true; continue; }
    if (flag === '--trainer-only') { options.trainerOnly = true; continue; }
    const value = argv[++i];
    const number = Number(value);
    const needInt = (min: number): number => {
      if (!Number.isInteger(number) || number < min) throw new Error(`bench:train: ${flag} needs an integer ≥ ${min} (got '${value}')`);
      return number;
    };
    switch (flag) {
      case '--steps': options.steps = needInt(1); break;
      case '--warmup': options.warmup = needInt(0); break;
      case '--classes': options.classes = needInt(2); break;
      case '--cpu-steps': options.cpuSteps = needInt(0); break;
      case '--frames': options.frames = intList(flag, value, 4); break;
      case '--torch-threads': options.torchThreads = intList(flag, value, 1); break;
      case '--wasm-threads': options.wasmThreads = value === '0' ? [] : intList(flag, value, 2); break;
      case '--train-workers': options.trainWorkers = value === '0' ? [] : intList(flag, value, 2); break;
      case '--child-threads': options.childThreads = needInt(2); break;
      default: throw new Error(`bench:train: unknown option '${flag}'`);
    }
  }
  return options;
}

function intList(flag: string, value: string | undefined, min: number): number[] {
  return (value ?? '').split(',').map((item) => {
    const n = Number(item);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench:train: ${flag} needs integers ≥ ${min}, comma-separated (got '${value}')`);
    return n;
  });
}

/** The seed CNN of @earshot/model-cnn (the net torch_step.py builds in PyTorch). */
function seedCnn(frames: number, classes: number): tf.LayersModel {
  return buildModel({ name: 'seed-cnn' }, { inputShape: [N_MELS, frames], nClasses: classes, seed: 0 });
}

interface Measurement { medianMs: number | null; note: string; profile?: Array<[string, number]>;
  /** Median process CPU time per step over all threads (trainer rows). */
  cpuMs?: number }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measureTfjs(
  runtime: InitBackendOptions, frames: number, classes: number, warmup: number, steps: number, profile: boolean,
): Promise<Measurement> {
  const info = await initBackend(runtime);
  const model = seedCnn(frames, classes);
  const inputShape = [BATCH, ...model.inputs[0]!.shape.slice(1).map((d) => d ?? 1)];
  const x = tf.randomNormal(inputShape, 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([BATCH], 0, classes, 'int32', 2) as tf.Tensor1D, classes);
  const optimizer = tf.train.adam(1e-3);
  const step = (): void => tf.tidy(() => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true)!;
    loss.dataSync();
  });
  try {
    for (let i = 0; i < warmup; i++) step();
    const times: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
    const result: Measurement = { medianMs: median(times), note: info.reason };
    if (profile) result.profile = await kernelProfile(step);
    return result;
  } catch (error) {
    return { medianMs: null, note: `cannot train: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  }
}

/**
 * @earshot/trainer's step (its PyTorch-exact Adam, and with `workers` its data-parallel engine) on
 * the repaired wasm backend: one epoch over random data, timed between onBatchEnd events.
 */
async function measureTrainer(frames: number, classes: number, warmup: number, steps: number, workers: number | null): Promise<Measurement> {
  const info = await initBackend({ backend: 'wasm' });
  const model = seedCnn(frames, classes);
  const n = BATCH * (warmup + steps);
  let seed = 1;
  const data = new Float32Array(n * N_MELS * frames).map(() => ((seed = (seed * 48271) % 2147483647) / 2147483647) - 0.5);
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const wall: number[] = [];
  const cpu: number[] = [];
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  try {
    await train({
      model, train: arraySource(data, labels, [N_MELS, frames]), epochs: 1, batchSize: BATCH, lr: 1e-3, seed: 0,
      ...(workers !== null && { parallel: { workers } }),
      onBatchEnd: () => {
        const t = performance.now();
        const c = process.cpuUsage(c0);
        wall.push(t - t0);
        cpu.push((c.user + c.system) / 1000);
        t0 = t;
        c0 = process.cpuUsage();
      },
    });
    const note = workers === null ? `${info.backend}, trainer on this thread` : `${info.backend}, trainer, ${workers} worker threads`;
    return { medianMs: median(wall.slice(warmup)), cpuMs: median(cpu.slice(warmup)), note };
  } catch (error) {
    return { medianMs: null, note: `cannot train: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  } finally {
    model.dispose();
  }
}

async function kernelProfile(step: () => void): Promise<Array<[string, number]>> {
  const info = await tf.profile(step);
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  return [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 10);
}

function torchAvailable(): string | null {
  try {
    return execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function measureTorch(frames: number, threads: number, options: Options): Measurement {
  const script = fileURLToPath(new URL('../torch_step.py', import.meta.url));
  const run = spawnSync(PYTHON, [script, '--mels', String(N_MELS), '--frames', String(frames), '--batch', String(BATCH),
    '--classes', String(options.classes), '--warmup', String(options.warmup), '--steps', String(options.steps),
    '--threads', String(threads)], { encoding: 'utf8' });
  if (run.status !== 0) return { medianMs: null, note: `torch_step.py failed: ${run.stderr.trim().split('\n').pop()}` };
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { median_ms: number; torch: string; threads: number };
  return { medianMs: result.median_ms, note: `PyTorch ${result.torch}, ${result.threads} threads` };
}

function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

/** Runs this script again for one threaded-wasm measurement (the wasm build is fixed per process). */
function measureThreadedWasm(frames: number, threads: number, options: Options): Measurement {
  const args = [process.argv[1]!, '--child-threads', String(threads), '--frames', String(frames),
    '--warmup', String(options.warmup), '--steps', String(options.steps), '--classes', String(options.classes)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    return { medianMs: null, note: `threaded wasm failed: ${run.stderr.trim().split('\n').pop()}` };
  }
  return JSON.parse(last) as Measurement;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.childThreads !== null) {
    const m = await measureTfjs({ backend: 'wasm', threads: options.childThreads }, options.frames[0]!, options.classes,
      options.warmup, options.steps, false);
    console.log(JSON.stringify(m));
    return;
  }
  const torchVersion = torchAvailable();
  const rows: Array<{ name: string; byFrames: Map<number, Measurement> }> = [];
  const row = (name: string) => {
    const r = { name, byFrames: new Map<number, Measurement>() };
    rows.push(r);
    return r;
  };
  const torchRows = torchVersion === null ? []
    : options.torchThreads.map((threads) => ({ threads, row: row(`pytorch ${torchVersion} cpu, ${threads} thread${threads > 1 ? 's' : ''}`) }));
  const torch = torchRows[0]?.row ?? null; // the reference for ratios
  const stock = row('tfjs wasm, as shipped');
  const stockPlus = row('tfjs wasm, as shipped + dW kernel');
  const repaired = row('tfjs wasm, repaired');
  const threaded = options.wasmThreads.map((threads) => ({ threads, row: row(`tfjs wasm, repaired, ${threads} threads`) }));
  const trainerRows = options.trainWorkers.length === 0 ? []
    : [{ workers: null, row: row('trainer, wasm repaired, 1 thread') },
      ...options.trainWorkers.map((workers) => ({ workers, row: row(`trainer, wasm repaired, ${workers} workers`) }))];
  const cpu = options.cpuSteps > 0 ? row('tfjs cpu') : null;

  for (const frames of options.frames) {
    const { warmup, steps, classes, profile } = options;
    console.error(`[bench:train] 128×${frames} …`);
    for (const { threads, row: r } of torchRows) r.byFrames.set(frames, measureTorch(frames, threads, options));
    if (!options.trainerOnly) {
      stock.byFrames.set(frames, await measureTfjs({ backend: 'wasm', repairWasm: false }, frames, classes, 1, 1, false));
      stockPlus.byFrames.set(frames, await measureTfjs({ backend: 'wasm', repairWasm: ['Conv2DBackpropFilter'] }, frames, classes,
        Math.min(warmup, 1), Math.min(steps, 3), profile));
      repaired.byFrames.set(frames, await measureTfjs({ backend: 'wasm' }, frames, classes, warmup, steps, profile));
      for (const { threads, row: r } of threaded) r.byFrames.set(frames, measureThreadedWasm(frames, threads, options));
    }
    for (const { workers, row: r } of trainerRows) r.byFrames.set(frames, await measureTrainer(frames, classes, warmup, steps, workers));
    if (!options.trainerOnly && cpu !== null && frames === Math.min(...options.frames)) {
      cpu.byFrames.set(frames, await measureTfjs({ backend: 'cpu' }, frames, classes, 0, options.cpuSteps, false));
    }
  }
  const measured = rows.filter((r) => r.byFrames.size > 0);

  const reference = torch === null ? 'torch' : `torch ${options.torchThreads[0]}T`;
  const header = ['backend', ...options.frames.flatMap((f) => [`128×${f} step`, `vs ${reference}`])];
  const lines = measured.map(({ name, byFrames }) => [name, ...options.frames.flatMap((f) => {
    const m = byFrames.get(f);
    const ref = torch?.byFrames.get(f)?.medianMs ?? null;
    const ratio = m?.medianMs != null && ref != null ? `${(m.medianMs / ref).toFixed(2)}×` : '—';
    return [formatMs(m?.medianMs ?? null), ratio];
  })]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const print = (cells: string[]) => console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${availableParallelism()} cores)`);
  console.log(`\nseed CNN training step (forward + backward + Adam), batch ${BATCH}, median of ${options.steps} after ${options.warmup} warm-up`);
  print(header);
  print(widths.map((w) => '-'.repeat(w)));
  lines.forEach(print);
  console.log('\nnotes:');
  for (const { name, byFrames } of measured) {
    const notes = [...new Set([...byFrames.values()].map((m) => m.note))];
    const cpuTimes = [...byFrames].flatMap(([f, m]) => (m.cpuMs === undefined ? [] : [`128×${f} ${formatMs(m.cpuMs)} CPU/step`]));
    console.log(`  ${name}: ${[...notes, ...cpuTimes].join(' | ')}`);
  }
  if (torch === null) console.log(`  pytorch: not measured (${PYTHON} cannot import torch; apt-get install python3-torch)`);
  if (options.profile) {
    for (const { name, byFrames } of [stockPlus, repaired]) {
      for (const [frames, m] of byFrames) {
        if (m.profile === undefined) continue;
        console.log(`\nprofile, ${name}, 128×${frames} (ms per step, top kernels):`);
        for (const [kernel, ms] of m.profile) console.log(`  ${kernel.padEnd(24)} ${ms.toFixed(1).padStart(8)}`);
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
