/**
 * `pnpm bench:train`: seed-CNN training step time (forward + backward + Adam, batch 32) at
 * 128×44 and 128×216 on each available tfjs backend, and the `cnn` preset as fsdd-strong and
 * esc50-strong train it, against PyTorch CPU (its twin of each net) in the same run.
 *
 * Options: --steps N (10), --warmup N (3), --frames 44,216, --classes N (10),
 * --cpu-steps N (1; 0 skips the very slow cpu backend), --torch-threads 2,1 (one PyTorch row each),
 * --wasm-threads 2 (rows for the threaded-SIMD wasm build, each in a child process: the build is
 * chosen once per process; 0 for none), --train-workers 2 (rows for @earshot/trainer's own step on
 * repaired wasm: one thread, then data-parallel over N worker threads; 0 for none), --profile.
 * --trainer-only measures just the trainer rows (and PyTorch). Trainer rows also report the process CPU time per step (all threads), robust to other load.
 * --native-threads 1,2 (rows for the native oneDNN runtime in one process with that many threads, where the
 * addon is built; data-parallel rows use one thread per worker), --presets fsdd-strong,esc50-strong (none: skip),
 * --preset-steps N (5), --preset-warmup N (1).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { buildModel, type ModelSpec } from '@earshot/model-cnn';
import { initBackend, loadDnnl, type InitBackendOptions } from '@earshot/tf-runtime';
import { arraySource, train } from '@earshot/trainer';

const N_MELS = 128;
const BATCH = 32;
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-torch installs

interface Options {
  steps: number; warmup: number; frames: number[]; classes: number;
  cpuSteps: number; torchThreads: number[]; wasmThreads: number[]; trainWorkers: number[]; trainerOnly: boolean; profile: boolean;
  nativeThreads: number[]; presets: string[]; presetSteps: number; presetWarmup: number;
  /** Internal: measure only repaired wasm with this many threads, print JSON (child process). */
  childThreads: number | null;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { steps: 10, warmup: 3, frames: [44, 216], classes: 10, cpuSteps: 1, torchThreads: [2, 1], wasmThreads: [2], trainWorkers: [2], trainerOnly: false, profile: false,
    nativeThreads: [1, 2], presets: Object.keys(PRESETS), presetSteps: 5, presetWarmup: 1, childThreads: null };
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
      case '--native-threads': options.nativeThreads = value === '0' ? [] : intList(flag, value, 1); break;
      case '--preset-steps': options.presetSteps = needInt(1); break;
      case '--preset-warmup': options.presetWarmup = needInt(0); break;
      case '--presets': options.presets = value === 'none' ? [] : presetList(value); break;
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

function presetList(value: string | undefined): string[] {
  const names = (value ?? '').split(',');
  const unknown = names.filter((name) => !(name in PRESETS));
  if (unknown.length > 0) throw new Error(`bench:train: --presets takes ${Object.keys(PRESETS).join(', ')} or none (got '${unknown.join(',')}')`);
  return names;
}

/** The `cnn` preset as the shipped experiments configure it, with their input shapes and classes. */
interface Preset { spec: ModelSpec & { name: 'cnn' }; shape: [number, number]; classes: number;
  /** A batch does not fit one wasm heap: only data-parallel rows (the trainer's default) run. */
  workersOnly: boolean }
const PRESETS: Record<string, Preset> = {
  'fsdd-strong': { // experiments/fsdd-strong.yaml
    spec: { name: 'cnn', channels: [32, 64, 128], convsPerBlock: 1, blockDropout: 0.1, head: 'gap+gmp', headAxes: 'time', dropout: 0.3 },
    shape: [64, 44], classes: 10, workersOnly: false,
  },
  'esc50-strong': { // experiments/esc50-strong.yaml
    spec: { name: 'cnn', channels: [32, 64, 128, 256], convsPerBlock: 2, blockDropout: 0.1, head: 'gap+gmp', dropout: 0.4 },
    shape: [128, 216], classes: 50, workersOnly: true,
  },
};

/** torch_step.py's arguments for the PyTorch twin of a preset. */
function torchPresetArgs({ spec, shape, classes }: Preset): string[] {
  return ['--model', 'cnn', '--mels', String(shape[0]), '--frames', String(shape[1]), '--classes', String(classes),
    '--channels', (spec.channels ?? []).join(','), '--convs', String(spec.convsPerBlock ?? 2),
    '--head-axes', spec.headAxes ?? 'frequency+time', '--block-dropout', String(spec.blockDropout ?? 0.1),
    '--dropout', String(spec.dropout ?? 0.3)];
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
 * `runtime`: one epoch over random data, timed between onBatchEnd events.
 */
async function measureTrainer(
  runtime: InitBackendOptions, net: { build: () => tf.LayersModel; shape: [number, number]; classes: number },
  warmup: number, steps: number, workers: number | null,
): Promise<Measurement> {
  let model: tf.LayersModel | null = null;
  try {
    const info = await initBackend(runtime);
    model = net.build();
    const [rows, cols] = net.shape;
    const n = BATCH * (warmup + steps);
    let seed = 1;
    const data = new Float32Array(n * rows * cols).map(() => ((seed = (seed * 48271) % 2147483647) / 2147483647) - 0.5);
    const labels = Int32Array.from({ length: n }, (_, i) => i % net.classes);
    const wall: number[] = [];
    const cpu: number[] = [];
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    await train({
      model, train: arraySource(data, labels, [rows, cols]), epochs: 1, batchSize: BATCH, lr: 1e-3, seed: 0,
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
    const where = workers === null ? 'trainer on this thread' : `trainer, ${workers} worker threads`;
    const threads = info.nativeThreads === undefined ? '' : workers === null ? ` (oneDNN ${plural(info.nativeThreads, 'thread')})` : ' (oneDNN 1 thread per worker)';
    return { medianMs: median(wall.slice(warmup)), cpuMs: median(cpu.slice(warmup)), note: `${info.backend}, ${where}${threads}` };
  } catch (error) {
    return { medianMs: null, note: `cannot train: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` };
  } finally {
    model?.dispose();
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

function measureTorch(netArgs: string[], threads: number, warmup: number, steps: number): Measurement {
  const script = fileURLToPath(new URL('../torch_step.py', import.meta.url));
  const run = spawnSync(PYTHON, [script, ...netArgs, '--batch', String(BATCH), '--warmup', String(warmup), '--steps', String(steps),
    '--threads', String(threads)], { encoding: 'utf8' });
  if (run.status !== 0) return { medianMs: null, note: `torch_step.py failed: ${run.stderr.trim().split('\n').pop()}` };
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { median_ms: number; torch: string; threads: number };
  return { medianMs: result.median_ms, note: `PyTorch ${result.torch}, ${plural(result.threads, 'thread')}` };
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

/** Rows of measurements by column (input size or preset), printed as markdown with ratios to the first PyTorch row. */
class Table {
  readonly rows: Array<{ name: string; cells: Map<string, Measurement> }> = [];
  reference: Map<string, Measurement> | null = null;

  constructor(readonly columns: string[]) {}

  row(name: string): Map<string, Measurement> {
    const cells = new Map<string, Measurement>();
    this.rows.push({ name, cells });
    return cells;
  }

  print(title: string, referenceName: string): void {
    const measured = this.rows.filter((r) => r.cells.size > 0);
    const header = ['backend', ...this.columns.flatMap((c) => [`${c} step`, `vs ${referenceName}`])];
    const lines = measured.map(({ name, cells }) => [name, ...this.columns.flatMap((c) => {
      const m = cells.get(c);
      const ref = this.reference?.get(c)?.medianMs ?? null;
      const ratio = m?.medianMs != null && ref != null ? `${(m.medianMs / ref).toFixed(2)}×` : '—';
      return [formatMs(m?.medianMs ?? null), ratio];
    })]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    const print = (cells: string[]) => console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
    console.log(`\n${title}`);
    print(header);
    print(widths.map((w) => '-'.repeat(w)));
    lines.forEach(print);
    console.log('\nnotes:');
    for (const { name, cells } of measured) {
      const notes = [...new Set([...cells.values()].map((m) => m.note))];
      const cpuTimes = [...cells].flatMap(([c, m]) => (m.cpuMs === undefined ? [] : [`${c} ${formatMs(m.cpuMs)} CPU/step`]));
      console.log(`  ${name}: ${[...notes, ...cpuTimes].join(' | ')}`);
    }
  }
}

/** CPU model and the vector ISA flags that decide kernel speed (from /proc/cpuinfo where there is one). */
function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  let flags: string[] = [];
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
    const all = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
    flags = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'amx_tile'].filter((f) => all.has(f));
  } catch {
    flags = ['(no /proc/cpuinfo)'];
  }
  const dnnl = loadDnnl();
  const native = dnnl.dnnl === null ? `native: unavailable (${dnnl.why})` : `native: oneDNN ${dnnl.dnnl.version}, dispatching ${dnnl.dnnl.isa}`;
  return `${model}, ${availableParallelism()} cores; ISA: ${flags.join(' ')}; ${native}`;
}

const loadText = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.childThreads !== null) {
    const m = await measureTfjs({ backend: 'wasm', threads: options.childThreads }, options.frames[0]!, options.classes,
      options.warmup, options.steps, false);
    console.log(JSON.stringify(m));
    return;
  }
  const loadAtStart = loadText();
  const torchVersion = torchAvailable();
  const nativeBuilt = loadDnnl().dnnl !== null;
  const nativeThreads = nativeBuilt ? options.nativeThreads : [];
  const torchRowName = (threads: number) => `pytorch ${torchVersion} cpu, ${plural(threads, 'thread')}`;

  // Seed CNN, by input size.
  const seed = new Table(options.frames.map((f) => `128×${f}`));
  const torchRows = torchVersion === null ? [] : options.torchThreads.map((threads) => ({ threads, cells: seed.row(torchRowName(threads)) }));
  seed.reference = torchRows[0]?.cells ?? null;
  const stock = seed.row('tfjs wasm, as shipped');
  const stockPlus = seed.row('tfjs wasm, as shipped + dW kernel');
  const repaired = seed.row('tfjs wasm, repaired');
  const threaded = options.wasmThreads.map((threads) => ({ threads, cells: seed.row(`tfjs wasm, repaired, ${threads} threads`) }));
  const native = nativeThreads.map((threads) => ({ threads, cells: seed.row(`tfjs native (oneDNN), ${plural(threads, 'thread')}`) }));
  const trainerRows = options.trainWorkers.length === 0 ? [] : [
    { runtime: { backend: 'wasm' } as InitBackendOptions, workers: null, cells: seed.row('trainer, wasm repaired, 1 thread') },
    ...options.trainWorkers.map((workers) => ({ runtime: { backend: 'wasm' } as InitBackendOptions, workers, cells: seed.row(`trainer, wasm repaired, ${workers} workers`) })),
    ...nativeThreads.map((threads) => ({ runtime: { backend: 'native', nativeThreads: threads } as InitBackendOptions, workers: null,
      cells: seed.row(`trainer, native, 1 process × ${plural(threads, 'thread')}`) })),
    ...(nativeBuilt ? options.trainWorkers : []).map((workers) => ({ runtime: { backend: 'native' } as InitBackendOptions, workers,
      cells: seed.row(`trainer, native, ${workers} workers × 1 thread`) })),
  ];
  const cpu = options.cpuSteps > 0 ? seed.row('tfjs cpu') : null;

  for (const frames of options.frames) {
    const { warmup, steps, classes, profile } = options;
    const column = `128×${frames}`;
    console.error(`[bench:train] seed CNN 128×${frames} …`);
    for (const { threads, cells } of torchRows) {
      cells.set(column, measureTorch(['--mels', String(N_MELS), '--frames', String(frames), '--classes', String(classes)], threads, warmup, steps));
    }
    if (!options.trainerOnly) {
      stock.set(column, await measureTfjs({ backend: 'wasm', repairWasm: false }, frames, classes, 1, 1, false));
      stockPlus.set(column, await measureTfjs({ backend: 'wasm', repairWasm: ['Conv2DBackpropFilter'] }, frames, classes,
        Math.min(warmup, 1), Math.min(steps, 3), profile));
      repaired.set(column, await measureTfjs({ backend: 'wasm' }, frames, classes, warmup, steps, profile));
      for (const { threads, cells } of threaded) cells.set(column, measureThreadedWasm(frames, threads, options));
      for (const { threads, cells } of native) {
        cells.set(column, await measureTfjs({ backend: 'native', nativeThreads: threads }, frames, classes, warmup, steps, profile));
      }
    }
    const net = { build: () => seedCnn(frames, classes), shape: [N_MELS, frames] as [number, number], classes };
    for (const { runtime, workers, cells } of trainerRows) cells.set(column, await measureTrainer(runtime, net, warmup, steps, workers));
    if (!options.trainerOnly && cpu !== null && frames === Math.min(...options.frames)) {
      cpu.set(column, await measureTfjs({ backend: 'cpu' }, frames, classes, 0, options.cpuSteps, false));
    }
  }

  // The cnn preset, by experiment: the trainer's step (batch norm, dropout), as the pipeline runs it.
  const presets = new Table(options.presets);
  const presetTorch = torchVersion === null ? [] : options.torchThreads.map((threads) => ({ threads, cells: presets.row(torchRowName(threads)) }));
  presets.reference = presetTorch[0]?.cells ?? null;
  const presetRows = [
    ...options.trainWorkers.map((workers) => ({ runtime: { backend: 'wasm' } as InitBackendOptions, workers, cells: presets.row(`trainer, wasm repaired, ${workers} workers`) })),
    ...nativeThreads.map((threads) => ({ runtime: { backend: 'native', nativeThreads: threads } as InitBackendOptions, workers: null,
      cells: presets.row(`trainer, native, 1 process × ${plural(threads, 'thread')}`) })),
    ...(nativeBuilt ? options.trainWorkers : []).map((workers) => ({ runtime: { backend: 'native' } as InitBackendOptions, workers,
      cells: presets.row(`trainer, native, ${workers} workers × 1 thread`) })),
  ];
  for (const name of options.presets) {
    const preset = PRESETS[name]!;
    const { presetWarmup: warmup, presetSteps: steps } = options;
    console.error(`[bench:train] cnn preset ${name} ${preset.shape.join('×')} …`);
    for (const { threads, cells } of presetTorch) cells.set(name, measureTorch(torchPresetArgs(preset), threads, warmup, steps));
    const net = { build: () => buildModel(preset.spec, { inputShape: preset.shape, nClasses: preset.classes, seed: 0 }), shape: preset.shape, classes: preset.classes };
    for (const { runtime, workers, cells } of presetRows) {
      cells.set(name, workers === null && preset.workersOnly
        ? { medianMs: null, note: `${name}: a batch of ${BATCH} does not fit one wasm heap; data-parallel rows only` }
        : await measureTrainer(runtime, net, warmup, steps, workers));
    }
  }

  const reference = torchVersion === null ? 'torch' : `torch ${options.torchThreads[0]}T`;
  console.log(`\nmachine: ${machine()}`);
  console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadText()} at the end`);
  seed.print(`seed CNN training step (forward + backward + Adam), batch ${BATCH}, median of ${options.steps} after ${options.warmup} warm-up`, reference);
  if (options.presets.length > 0) {
    presets.print(`cnn preset training step (the trainer: BN, dropout, PyTorch's Adam), batch ${BATCH}, median of ${options.presetSteps} after ${options.presetWarmup} warm-up; `
      + options.presets.map((name) => `${name} ${PRESETS[name]!.shape.join('×')}`).join(', '), reference);
  }
  if (torchVersion === null) console.log(`  pytorch: not measured (${PYTHON} cannot import torch; apt-get install python3-torch)`);
  if (!nativeBuilt) console.log(`  native: not measured (${machine().split('native: ')[1]})`);
  if (options.profile) {
    for (const { name, cells } of seed.rows.filter((r) => [stockPlus, repaired, ...native.map((n) => n.cells)].includes(r.cells))) {
      for (const [column, m] of cells) {
        if (m.profile === undefined) continue;
        console.log(`\nprofile, ${name}, ${column} (ms per step, top kernels):`);
        for (const [kernel, ms] of m.profile) console.log(`  ${kernel.padEnd(24)} ${ms.toFixed(1).padStart(8)}`);
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
