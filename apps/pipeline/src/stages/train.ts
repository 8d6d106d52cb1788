import type * as tf from '@tensorflow/tfjs';
import { normalizeInto, type Normalization } from '@earshot/features-mel';
import { buildModel, countParams } from '@earshot/model-cnn';
import { train as runTraining, type AugmentOptions as TrainerAugment, type ScheduleSpec } from '@earshot/trainer';
import type { BatchSource, FeatureStore } from '@earshot/feature-cache';
import { cacheBatchSource, UnreadableEntryError } from '@earshot/feature-cache';
import { availableParallelism } from 'node:os';
import { killPoint } from '@earshot/model-cnn/kill-point';
import type { AugmentOptions, ModelSpec, Schedule, TrainSettings, TrainWorkers } from '../config/options.js';
import type { Logger } from '../log.js';
import type { EpochRecord } from '../run-metrics.js';

/** Global standardisation with the mean and std over every value of the given cached tensors (float64 accumulation). */
export function trainStatistics(cache: FeatureStore, keys: readonly string[]): Normalization {
  return globalStandardization(cachedTensors(cache, keys));
}

/** Global standardisation with the mean and std over every value of `tensors` (float64 accumulation). */
export function globalStandardization(tensors: Iterable<Float32Array>): Normalization {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const data of tensors) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      sum += v;
      sumSq += v * v;
    }
    n += data.length;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(sumSq / n - mean * mean, 0));
  return { kind: 'standardize', scope: 'global', mean: [mean], std: [std > 1e-12 ? std : 1] };
}

/** The cached tensors of `keys`, in order; a missing or corrupt entry is an error naming it. */
function* cachedTensors(cache: FeatureStore, keys: readonly string[]): Generator<Float32Array> {
  for (const key of keys) {
    const corruptBefore = cache.counters.corrupt;
    const t = cache.get(key);
    if (!t) {
      // A corrupt value is counted and removed by the cache, as when the batch source finds it.
      const corrupt = cache.counters.corrupt > corruptBefore;
      const problem = corrupt ? 'is corrupt (removed, to be recomputed)' : 'is missing';
      throw new UnreadableEntryError(key, corrupt ? 'corrupt' : 'missing', `feature cache ${cache.dir}: entry ${key} ${problem}`);
    }
    yield t.data;
  }
}

/** A batch source that applies the recipe's normalisation to what it reads (the same function inference runs). */
export function normalized(source: BatchSource, normalization: Normalization): BatchSource {
  if (normalization.kind === 'none') return source;
  const apply = (x: Float32Array) => normalizeInto(x, normalization, source.sampleShape);
  return {
    size: source.size,
    sampleShape: source.sampleShape,
    labels: source.labels,
    read(indices) {
      const out = source.read(indices);
      return out instanceof Float32Array ? apply(out) : out.then(apply);
    },
  };
}

export interface SourceSpec {
  keys: string[];
  labels: Int32Array;
}

export function makeSource(
  cache: FeatureStore,
  spec: SourceSpec,
  shape: [number, number],
  normalization: Normalization,
  inMemory: boolean | null,
): BatchSource {
  // Hold the split in RAM when it is small enough (≤ 1 GiB), else stream from the cache.
  const bytes = spec.keys.length * shape[0] * shape[1] * 4;
  const memory = inMemory ?? bytes <= 1 << 30;
  return normalized(cacheBatchSource(cache, spec.keys, spec.labels, shape, { inMemory: memory }), normalization);
}

export interface TrainStageOptions {
  spec: ModelSpec;
  settings: TrainSettings;
  train: BatchSource;
  validation?: BatchSource;
  nClasses: number;
  shape: [number, number];
  /** The normalisation the sources apply (augmentation thresholds in dB are scaled by it). */
  normalization: Normalization;
  seed: number;
  checkpointDir: string;
  resume: boolean;
  log: Logger;
  /** Hash of the config and data: `--resume` refuses a checkpoint written for another. */
  fingerprint: string;
  /** Printed before each epoch line, e.g. "fold 2: ". */
  prefix?: string;
  /** Data-parallel worker threads (from resolveTrainWorkers); 1 or absent trains on this thread. */
  workers?: number;
  /** The whole run's position, shown beside each epoch's bar (k-fold runs train several models). */
  runEta?: RunEta;
  /** Epochs to train; default settings.epochs (later folds of a time-budgeted run take the first fold's). */
  epochs?: number;
  /** Chooses the epoch total after epoch 1 of a fresh run (train.time_budget); `line` is printed after that epoch's. */
  fitEpochs?: (epochSeconds: number) => { epochs: number; line: string };
}

/** Estimates the whole run's remaining training time from the epochs seen so far, across folds. */
export class RunEta {
  private epochsDone = 0;
  private seconds = 0;

  constructor(
    private readonly folds: number,
    private epochsPerFold: number,
  ) {}

  private get totalEpochs(): number {
    return this.folds * this.epochsPerFold;
  }

  /** A time budget (or a resume of a budgeted run) changes the epochs per fold. */
  setEpochsPerFold(epochs: number): void {
    this.epochsPerFold = epochs;
  }

  epochDone(seconds: number): void {
    this.epochsDone++;
    this.seconds += seconds;
  }

  /** e.g. `run 12/50 epochs, ~6 min left` (an upper bound: early stopping may end sooner). */
  describe(): string {
    const mean = this.epochsDone > 0 ? this.seconds / this.epochsDone : 0;
    const left = Math.max(0, this.totalEpochs - this.epochsDone) * mean;
    const eta = this.epochsDone === 0 ? '' : left < 90 ? `, ~${Math.round(left)} s left` : `, ~${Math.round(left / 60)} min left`;
    return `run ${this.epochsDone}/${this.totalEpochs} epochs${eta}`;
  }
}

export interface TrainStageResult {
  model: tf.LayersModel;
  params: number;
  epochs: EpochRecord[];
  /** The epoch whose weights early stopping restored, or null when the last epoch's are kept. */
  keptEpoch: number | null;
  /** The epoch total trained to (a time budget's choice, kept across --resume). */
  totalEpochs: number;
}

const fmt = (v: number) => v.toFixed(4);

/** Backends on which data-parallel workers were measured faster than one thread (see README, "Training speed"). */
// native: one oneDNN thread per worker measured faster than one process with a thread per core
// (OpenMP teams stall when a core is busy), and a batch of esc50-strong does not fit one wasm heap.
const PARALLEL_FASTER_ON: ReadonlySet<string> = new Set(['wasm', 'native']);

/**
 * `runtime.train_workers` as a worker count. 'auto': one worker per core on a backend where
 * data-parallel training measured faster (wasm: single-threaded kernels; native: one oneDNN thread
 * per worker), when there are ≥ 2 cores;
 * otherwise 1 (tfjs-node already uses every core inside each kernel).
 */
export function resolveTrainWorkers(choice: TrainWorkers, backend: string, cores = availableParallelism()): { workers: number; reason: string } {
  if (choice !== 'auto') return { workers: choice, reason: 'runtime.train_workers' };
  if (cores < 2) return { workers: 1, reason: `auto: ${cores} core` };
  if (!PARALLEL_FASTER_ON.has(backend)) return { workers: 1, reason: `auto: data-parallel is not faster on the ${backend} backend` };
  return { workers: cores, reason: `auto: one per core on ${backend}` };
}

/** Builds the model, trains it, and prints a line per epoch: train loss and accuracy, validation, wall and CPU time. */
export async function trainStage(opts: TrainStageOptions): Promise<TrainStageResult> {
  const { settings, log } = opts;
  // Random crops train on narrower batches than the whole clips evaluation sees: a variable time axis.
  const cropping = (settings.augment?.randomCropFrames ?? null) !== null;
  const model = buildModel(opts.spec, { inputShape: cropping ? [opts.shape[0], null] : opts.shape, nClasses: opts.nClasses, seed: opts.seed });
  const params = countParams(model);
  log.info(`${opts.prefix ?? ''}model: ${opts.spec.name}, ${params.toLocaleString('en-US')} parameters`);
  const batches = Math.ceil(opts.train.size / settings.batchSize);
  let total = opts.epochs ?? settings.epochs;
  let fitLine: string | undefined;
  const epochBar = (epoch: number) =>
    log.progress(`${opts.prefix ?? ''}epoch ${epoch}/${total}`, batches, { unit: 'batches', ...(opts.runEta && { note: opts.runEta.describe() }) });
  let bar = epochBar(1);
  // Process CPU time (all threads, workers included) beside wall time: robust to other load.
  let cpuMark = process.cpuUsage();
  const result = await runTraining({
    model,
    train: opts.train,
    ...(opts.validation && { validation: opts.validation }),
    epochs: total,
    ...(opts.fitEpochs && {
      fitEpochs: (seconds: number) => {
        const fit = opts.fitEpochs!(seconds);
        fitLine = fit.line; // printed after the epoch's line, once its bar is gone
        return fit.epochs;
      },
    }),
    batchSize: settings.batchSize,
    lr: settings.lr,
    schedule: trainerSchedule(settings.schedule, Boolean(opts.validation)),
    seed: opts.seed,
    classWeights: settings.classWeights === 'none' ? null : settings.classWeights,
    ...(settings.labelSmoothing > 0 && { labelSmoothing: settings.labelSmoothing }),
    ...(settings.weightDecay > 0 && { adam: { weightDecay: settings.weightDecay } }),
    ...(settings.augment && { augment: trainerAugment(settings.augment, opts.shape, opts.normalization) }),
    ...(settings.earlyStopping && { earlyStopping: { ...settings.earlyStopping, restoreBest: true } }),
    ...((opts.workers ?? 1) > 1 && { parallel: { workers: opts.workers! } }),
    checkpointDir: opts.checkpointDir,
    resume: opts.resume,
    fingerprint: opts.fingerprint,
    onBatchEnd: (b) => bar.update(b.batch, { loss: b.meanLoss, acc: b.accuracy }),
    onEpochEnd: (e) => {
      bar.stop();
      total = e.epochs;
      opts.runEta?.setEpochsPerFold(total);
      opts.runEta?.epochDone(e.seconds);
      const val = e.valLoss !== undefined ? `  val loss ${fmt(e.valLoss)}  val acc ${fmt(e.valAccuracy ?? NaN)}` : '';
      log.info(
        `${opts.prefix ?? ''}epoch ${e.epoch}/${total}  train loss ${fmt(e.loss)}  train acc ${fmt(e.accuracy)}${val}  (${e.seconds.toFixed(1)} s, ${cpuSeconds(cpuMark).toFixed(1)} s CPU)`,
      );
      if (fitLine) log.info(fitLine);
      fitLine = undefined;
      cpuMark = process.cpuUsage();
      if (e.epoch < total) bar = epochBar(e.epoch + 1);
      killPoint(`after-epoch-${e.epoch}`); // the trainer has written this epoch's checkpoint
    },
  });
  if (result.resumedFromEpoch > 0) log.info(`${opts.prefix ?? ''}resumed after epoch ${result.resumedFromEpoch}`);
  if (result.stoppedEarly) log.info(`${opts.prefix ?? ''}early stopping: kept the weights of epoch ${result.bestEpoch}`);
  bar.stop();
  // The history includes epochs restored from a checkpoint on --resume.
  const epochs = result.history.map((e): EpochRecord => ({
    epoch: e.epoch,
    loss: e.loss,
    accuracy: e.accuracy,
    ...(e.valLoss !== undefined && { val_loss: e.valLoss }),
    ...(e.valAccuracy !== undefined && { val_accuracy: e.valAccuracy }),
    lr: e.lr,
    seconds: e.seconds,
  }));
  return { model, params, epochs, keptEpoch: result.bestEpoch, totalEpochs: result.epochs };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function trainerSchedule(s: Schedule, hasValidation: boolean): ScheduleSpec {
  if (s.kind === 'plateau') return { ...s, monitor: hasValidation ? 'val_loss' : 'loss' };
  return s;
}

/** dB per unit of the normalised features (the mean std of a per-band standardisation). */
function dbScale(n: Normalization): number {
  return n.kind === 'none' ? 1 : n.std.reduce((sum, s) => sum + s, 0) / n.std.length;
}

/** The YAML's augmentation (fractions of the frame count) as the trainer's options (frames). */
export function trainerAugment(a: AugmentOptions, shape: [number, number], normalization: Normalization): TrainerAugment {
  const out: TrainerAugment = {};
  // The trainer crops first, so the shift (a fraction of the window) and masks act on the crop.
  if (a.randomCropFrames !== null) {
    out.crop = { frames: a.randomCropFrames };
    // The trainer sees normalised features: dB become dB / std.
    if (a.randomCropTopDb !== null) out.crop.trim = { below: a.randomCropTopDb / dbScale(normalization) };
  }
  const frames = a.randomCropFrames ?? shape[1];
  if (a.timeShift > 0) out.timeShift = { maxFrames: Math.max(1, Math.round(a.timeShift * frames)) };
  if (a.specAugment) {
    const s = a.specAugment;
    if (s.freqMasks > 0) out.freqMask = { count: s.freqMasks, maxWidth: s.freqMaskWidth, value: 'mean' };
    if (s.timeMasks > 0) out.timeMask = { count: s.timeMasks, maxWidth: s.timeMaskWidth, value: 'mean' };
  }
  if (a.mixup > 0) out.mixup = { alpha: a.mixup };
  return out;
}
