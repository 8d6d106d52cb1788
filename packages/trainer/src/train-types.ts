import type * as tf from '@tensorflow/tfjs';
import type { AdamOptions } from './adam.js';
import type { AugmentOptions } from './augment.js';
import type { ScheduleSpec } from './schedule.js';
import type { BatchSource } from './source.js';
import type { ParallelOptions } from './parallel/types.js';

export interface EarlyStoppingOptions {
  /** Metric to watch; default 'val_loss' (minimised); 'val_accuracy' is maximised. */
  monitor?: 'val_loss' | 'val_accuracy';
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Smallest change that counts as an improvement; default 0. */
  minDelta?: number;
  /** Restore the best epoch's weights at the end; default true. */
  restoreBest?: boolean;
}

export interface TrainOptions {
  /** Built by @earshot/model-cnn (its init seed should be `seed`). Trained in place. */
  model: tf.LayersModel;
  train: BatchSource;
  /** Evaluated after every epoch (needed by early stopping and a 'val_loss' plateau schedule). */
  validation?: BatchSource;
  /** Epochs to train; with `fitEpochs`, the most it may choose. */
  epochs: number;
  /**
   * Called once, after the first epoch of a fresh run (not on resume), with that epoch's seconds at
   * its steady pace (training + validation, without the warm-up of its first batches: its second
   * half's batches extrapolated); returns the run's epoch total, an integer in 1..`epochs`. From then
   * on the schedule, logs and ETAs use it, and the checkpoint keeps it so `resume` continues with it.
   * Exact: every schedule's epoch-0 learning rate is independent of the total.
   */
  fitEpochs?: (epochSeconds: number) => number;
  batchSize: number;
  /** Base learning rate of Adam. */
  lr: number;
  /** Default { kind: 'constant' }. */
  schedule?: ScheduleSpec;
  /** Drives the shuffle, augmentation and dropout (pass the same seed to buildModel for the init). */
  seed: number;
  /** Per-class loss weights, 'auto' = balanced from the training label counts, or null (default). */
  classWeights?: 'auto' | number[] | null;
  augment?: AugmentOptions;
  /** Label smoothing ε: targets become (1−ε)·onehot + ε/nClasses (PyTorch's label_smoothing without class weights). Default 0. */
  labelSmoothing?: number;
  earlyStopping?: EarlyStoppingOptions;
  adam?: AdamOptions;
  /** Write a checkpoint here after every epoch. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` if there is one. */
  resume?: boolean;
  /** Hash of the config and data; a resume refuses a checkpoint written with a different one. */
  fingerprint?: string;
  /** Data-parallel gradient computation over worker threads; default: in this thread. */
  parallel?: ParallelOptions;
  onBatchEnd?: (log: BatchLog) => void;
  onEpochEnd?: (log: EpochLog) => void;
  /** Stop after the current batch (the last complete epoch's checkpoint remains resumable). */
  signal?: AbortSignal;
}

export interface BatchLog {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** 1-based batch within the epoch. */
  batch: number;
  batches: number;
  /** This batch's loss. */
  loss: number;
  /** Running means over the epoch so far. */
  meanLoss: number;
  accuracy: number;
  lr: number;
  /** Seconds since the epoch started, and the estimate of the seconds it still needs. */
  elapsedSeconds: number;
  etaSeconds: number;
  /** Estimate of the seconds until the last epoch ends (this epoch's pace, validation excluded). */
  runEtaSeconds: number;
}

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean training loss (class-weighted when class weights are on) and accuracy over the epoch. */
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  lr: number;
  seconds: number;
  /** True when this epoch is the best so far for early stopping. */
  best?: boolean;
}

export interface TrainResult {
  history: EpochLog[];
  /** The epoch total trained to: `epochs`, or what `fitEpochs` chose (kept across resume). */
  epochs: number;
  /** 1-based epoch whose weights the model holds when early stopping restored them, else null. */
  bestEpoch: number | null;
  stoppedEarly: boolean;
  /** Epochs taken from a checkpoint (0 for a fresh run). */
  resumedFromEpoch: number;
  aborted: boolean;
  classWeights: number[] | null;
  seconds: number;
}
