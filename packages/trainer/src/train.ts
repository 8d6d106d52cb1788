import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@earshot/random';
import { Adam } from './adam.js';
import { augmentBatch, cropFrames, oneHot } from './augment.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import { localEngine, type TrainingEngine } from './engine.js';
import { evaluate, modelFrames } from './evaluate.js';
import { balancedClassWeights } from './loss.js';
import { LrSchedule } from './schedule.js';
import { checkSourceLabels, readBatch } from './source.js';
import { batchNormalizer, trainableVariables, type StepBatch } from './step.js';
import type { EpochLog, TrainOptions, TrainResult } from './train-types.js';

// Decorrelates the trainer's stream from the init stream when both use the same seed.
const TRAINER_STREAM = 0x7261696e;

/**
 * Trains `options.model` in place with a custom loop: seeded shuffle, augmentation and dropout,
 * PyTorch-exact Adam, per-epoch schedule, validation, early stopping, checkpoints and resume.
 * Emits events and prints nothing.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const { model, batchSize } = options;
  let epochs = options.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (options.train.size < 1) throw new RangeError('train source is empty');
  const nClasses = model.outputs[0]!.shape[1]!;
  checkSourceLabels(options.train, nClasses, 'train');
  if (options.validation) checkSourceLabels(options.validation, nClasses, 'validation');
  if (options.earlyStopping && !options.validation) throw new Error('earlyStopping needs a validation source');
  if (options.resume && !options.checkpointDir) throw new Error('resume needs checkpointDir');

  const [rows, cachedCols] = options.train.sampleShape;
  const fixedFrames = modelFrames(model);
  const cols = options.augment?.crop?.frames ?? fixedFrames ?? cachedCols;
  if (fixedFrames !== null && cols !== fixedFrames) {
    throw new RangeError(`augment.crop.frames = ${cols} but the model takes ${fixedFrames} frames`);
  }
  if (cols > cachedCols) throw new RangeError(`the model takes ${cols} frames but the train examples have only ${cachedCols}`);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError(`labelSmoothing must be in [0, 1), got ${smoothing}`);
  const classWeights = resolveClassWeights(options.classWeights ?? null, options.train.labels, nClasses);
  const scheduleSpec = options.schedule ?? { kind: 'constant' };
  let schedule = new LrSchedule(scheduleSpec, options.lr, epochs);
  if (schedule.monitor === 'val_loss' && !options.validation) throw new Error("schedule 'plateau' monitors val_loss: give a validation source or monitor 'loss'");

  const variables = trainableVariables(model);
  const adam = new Adam(variables, options.adam);
  let rng = new Xoshiro128((options.seed ^ TRAINER_STREAM) >>> 0);
  const history: EpochLog[] = [];
  const stop = { best: null as number | null, bestEpoch: null as number | null, badEpochs: 0 };
  let bestWeights: Float32Array[] | null = null;
  let startEpoch = 0;
  let fittedEpochs: number | null = null;
  /** Sets the epoch total, keeping the schedule's state (plateau); its epoch-0 lr is the same for any total. */
  const setTotal = (total: number) => {
    epochs = total;
    const state = schedule.getState();
    schedule = new LrSchedule(scheduleSpec, options.lr, total);
    schedule.setState(state);
  };

  if (options.resume && options.checkpointDir) {
    const checkpoint = await readCheckpoint(options.checkpointDir);
    if (checkpoint) {
      if ((checkpoint.fingerprint ?? null) !== (options.fingerprint ?? null)) {
        throw new Error(
          `resume refused: the checkpoint in ${options.checkpointDir} was written for fingerprint ${checkpoint.fingerprint ?? '(none)'}, ` +
            `but this run's config/data fingerprint is ${options.fingerprint ?? '(none)'}`,
        );
      }
      setAllWeights(model, checkpoint.weights, `checkpoint in ${options.checkpointDir}`);
      adam.setState({ step: checkpoint.adamStep, m: checkpoint.adamM, v: checkpoint.adamV });
      rng = Xoshiro128.fromState(checkpoint.rng);
      // A fitted total is the run's own: kept, and never fitted again.
      if (checkpoint.fittedEpochs !== null) setTotal((fittedEpochs = checkpoint.fittedEpochs));
      schedule.setState(checkpoint.schedule);
      history.push(...checkpoint.history);
      Object.assign(stop, checkpoint.earlyStopping);
      bestWeights = checkpoint.bestWeights;
      startEpoch = checkpoint.epoch;
    }
  }

  const engine: TrainingEngine = options.parallel
    ? await (await import('./parallel/engine.js')).parallelEngine(model, variables, adam, options.parallel)
    : localEngine(model, variables, adam);
  let stoppedEarly = startEpoch > 0 && isStopped(options, stop);
  let aborted = false;
  try {
    for (let epoch = startEpoch; epoch < epochs && !stoppedEarly; epoch++) {
      const epochStart = performance.now();
      const lr = schedule.lrForEpoch(epoch);
      const order = rng.shuffle(Int32Array.from({ length: options.train.size }, (_, i) => i));
      const batches = Math.ceil(order.length / batchSize); // last partial batch kept, as PyTorch's DataLoader
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let next = readBatch(options.train, order.subarray(0, batchSize));
      // For fitEpochs: when the epoch's second half began (its first batches carry the warm-up).
      const half = Math.floor(batches / 2);
      let halfMark = Number.NaN;
      for (let b = 0; b < batches; b++) {
        const indices = order.subarray(b * batchSize, (b + 1) * batchSize);
        const raw = await next;
        if (b + 1 < batches) {
          next = readBatch(options.train, order.subarray((b + 1) * batchSize, (b + 2) * batchSize));
          next.catch(() => {}); // surfaced when awaited; avoids an unhandled rejection if this step throws first
        }
        const labels = Int32Array.from(indices, (i) => options.train.labels[i]!);
        // Without a random crop, longer cached examples are centre-cropped to the model's input, as in predict.
        const randomCrop = options.augment?.crop !== undefined;
        const input = randomCrop ? raw : cropFrames(raw, labels.length, rows, cachedCols, cols);
        const shape = { rows, cols: randomCrop ? cachedCols : cols, nClasses };
        const { data, targets } = options.augment
          ? augmentBatch(input, labels, shape, options.augment, rng)
          : { data: input, targets: oneHot(labels, nClasses) };
        if (smoothing > 0) for (let k = 0; k < targets.length; k++) targets[k] = (1 - smoothing) * targets[k]! + smoothing / nClasses;
        const batch: StepBatch = {
          data,
          targets,
          labels,
          rows,
          cols,
          nClasses,
          dropoutSeed: rng.nextUint32(),
          normalizer: batchNormalizer(targets, nClasses, classWeights),
          classWeights,
        };
        const result = await engine.step(batch, lr);
        if (b + 1 === half) halfMark = performance.now();
        lossSum += result.loss * labels.length;
        correct += result.correct;
        seen += labels.length;
        const elapsed = (performance.now() - epochStart) / 1000;
        options.onBatchEnd?.({
          epoch: epoch + 1,
          epochs,
          batch: b + 1,
          batches,
          loss: result.loss,
          meanLoss: lossSum / seen,
          accuracy: correct / seen,
          lr,
          elapsedSeconds: elapsed,
          etaSeconds: (elapsed / (b + 1)) * (batches - b - 1),
          runEtaSeconds: (elapsed / (b + 1)) * (batches - b - 1) + (elapsed / (b + 1)) * batches * (epochs - epoch - 1),
        });
        if (options.signal?.aborted) {
          aborted = true;
          break;
        }
      }
      await engine.sync();
      const trainEnd = performance.now();
      if (aborted) break;
      const log: EpochLog = { epoch: epoch + 1, epochs, loss: lossSum / seen, accuracy: correct / seen, lr, seconds: 0 };
      if (options.validation) {
        const val = await evaluate(model, options.validation, Math.max(batchSize, 64));
        log.valLoss = val.loss;
        log.valAccuracy = val.accuracy;
      }
      if (schedule.monitor) schedule.observe(schedule.monitor === 'loss' ? log.loss : log.valLoss);
      if (options.earlyStopping) {
        const improved = observeEarlyStopping(options.earlyStopping, stop, log);
        if (improved) {
          log.best = true;
          if (options.earlyStopping.restoreBest ?? true) bestWeights = getAllWeights(model);
        }
        stoppedEarly = isStopped(options, stop);
      }
      log.seconds = (performance.now() - epochStart) / 1000;
      if (epoch === 0 && options.fitEpochs) {
        const steady = steadyEpochSeconds({ batches, half, halfMark, trainEnd, epochStart, epochEnd: epochStart + log.seconds * 1000 });
        setTotal((fittedEpochs = checkFittedEpochs(options.fitEpochs(steady), options.epochs)));
        log.epochs = epochs;
      }
      history.push(log);
      if (options.checkpointDir) {
        const adamState = adam.getState();
        const checkpoint: Checkpoint = {
          fingerprint: options.fingerprint ?? null,
          epoch: epoch + 1,
          fittedEpochs,
          rng: rng.state(),
          schedule: schedule.getState(),
          adamStep: adamState.step,
          history,
          earlyStopping: { ...stop },
          weights: getAllWeights(model),
          adamM: adamState.m,
          adamV: adamState.v,
          bestWeights,
        };
        await writeCheckpoint(options.checkpointDir, checkpoint);
      }
      options.onEpochEnd?.(log);
    }
  } finally {
    await engine.sync().catch(() => {}); // a failed step's own error is the one to surface
    await engine.dispose();
    adam.dispose();
  }
  const restore = !aborted && options.earlyStopping && (options.earlyStopping.restoreBest ?? true) && bestWeights;
  if (restore) setAllWeights(model, bestWeights!, 'best weights');
  return {
    history,
    epochs,
    bestEpoch: restore ? stop.bestEpoch : null,
    stoppedEarly,
    resumedFromEpoch: startEpoch,
    aborted,
    classWeights,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * An epoch's seconds at its steady pace: its second half's batches extrapolated to all of them, plus
 * what followed training (validation). The first batches carry one-off warm-up (JIT, kernel and
 * primitive set-up, worker start) that later epochs do not pay; with under 4 batches, the epoch as timed.
 */
function steadyEpochSeconds(t: { batches: number; half: number; halfMark: number; trainEnd: number; epochStart: number; epochEnd: number }): number {
  const timed = (t.epochEnd - t.epochStart) / 1000;
  if (t.batches < 4 || !Number.isFinite(t.halfMark)) return timed;
  const perBatch = (t.trainEnd - t.halfMark) / (t.batches - t.half);
  return Math.min(timed, (perBatch * t.batches + (t.epochEnd - t.trainEnd)) / 1000);
}

function checkFittedEpochs(total: number, max: number): number {
  if (!Number.isInteger(total) || total < 1 || total > max) throw new RangeError(`fitEpochs must return an integer in 1..${max} (epochs), got ${total}`);
  return total;
}

function resolveClassWeights(spec: 'auto' | number[] | null, labels: Int32Array, nClasses: number): number[] | null {
  if (spec === null) return null;
  if (spec === 'auto') return balancedClassWeights(labels, nClasses);
  if (spec.length !== nClasses || spec.some((w) => !(w >= 0))) {
    throw new RangeError(`classWeights must list ${nClasses} non-negative numbers, got [${spec.join(', ')}]`);
  }
  return [...spec];
}

function observeEarlyStopping(options: NonNullable<TrainOptions['earlyStopping']>, stop: { best: number | null; bestEpoch: number | null; badEpochs: number }, log: EpochLog): boolean {
  const maximize = options.monitor === 'val_accuracy';
  const value = maximize ? log.valAccuracy! : log.valLoss!;
  const delta = options.minDelta ?? 0;
  const improved = stop.best === null || (maximize ? value > stop.best + delta : value < stop.best - delta);
  if (improved) {
    stop.best = value;
    stop.bestEpoch = log.epoch;
    stop.badEpochs = 0;
  } else {
    stop.badEpochs += 1;
  }
  return improved;
}

function isStopped(options: TrainOptions, stop: { badEpochs: number }): boolean {
  return options.earlyStopping ? stop.badEpochs >= options.earlyStopping.patience : false;
}

/** Copies of every weight (trainable and batch-norm statistics), in model.weights order. */
export function getAllWeights(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w) => w.read().dataSync().slice() as Float32Array);
}

export function setAllWeights(model: tf.LayersModel, values: Float32Array[], source: string): void {
  if (values.length !== model.weights.length) throw new Error(`${source} holds ${values.length} weight tensors, the model has ${model.weights.length}`);
  const tensors = model.weights.map((w, i) => {
    const shape = w.shape as number[];
    if (values[i]!.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`${source}: weight ${w.originalName} has ${values[i]!.length} values, expected shape [${shape.join(', ')}]`);
    return tf.tensor(values[i]!, shape, 'float32');
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}
