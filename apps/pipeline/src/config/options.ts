import { randomCropFrames, randomCropTopDb } from './crop.js';
import { parseDuration } from '@earshot/feature-cache/units';
import type { ExperimentConfig } from './schema.js';

/**
 * The YAML's snake_case names become the camelCase options the packages take here (the feature
 * recipe's mapping is `recipe.ts`, beside this file).
 * Everything downstream of the config uses these types, never `ExperimentConfig` keys.
 */

export type ModelSpec =
  | { name: 'seed-cnn' }
  | {
      name: 'cnn';
      channels: number[];
      kernelSize: number;
      convsPerBlock: number;
      batchNorm: boolean;
      pool: 'max' | 'avg';
      poolSize: number;
      blockDropout: number;
      head: 'gap' | 'gap+gmp';
      headAxes: 'frequency+time' | 'time';
      denseUnits: number;
      dropout: number;
    };

export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma: number }
  | { kind: 'cosine'; minLr: number }
  | { kind: 'plateau'; factor: number; patience: number; minLr: number };

export interface AugmentOptions {
  specAugment?: { timeMasks: number; timeMaskWidth: number; freqMasks: number; freqMaskWidth: number };
  mixup: number;
  timeShift: number;
  /** Training window in frames (`train.augment.random_crop` converted), or null for the whole clip. */
  randomCropFrames: number | null;
  /** `train.augment.random_crop_top_db` where it applies (cropping dB mel features), else null. */
  randomCropTopDb: number | null;
}

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: Schedule;
  earlyStopping: { monitor: 'val_loss' | 'val_accuracy'; patience: number; minDelta: number } | null;
  classWeights: 'none' | 'auto' | number[];
  /** `train.label_smoothing` ε (0: off). */
  labelSmoothing: number;
  /** `train.weight_decay` λ, decoupled as AdamW (0: plain Adam). */
  weightDecay: number;
  augment: AugmentOptions | null;
  inMemory: boolean | null;
  /** `train.time_budget` as written and in seconds; null when off. */
  timeBudget: { text: string; seconds: number } | null;
}

/** `runtime.train_workers`: data-parallel training workers, or 'auto' (decided by the train stage). */
export type TrainWorkers = 'auto' | number;

export function trainWorkers(config: ExperimentConfig): TrainWorkers {
  return config.runtime.train_workers;
}

export function modelSpec(config: ExperimentConfig): ModelSpec {
  const m = config.model;
  if (m.name === 'seed-cnn') return { name: 'seed-cnn' };
  return {
    name: 'cnn',
    channels: m.channels,
    kernelSize: m.kernel_size,
    convsPerBlock: m.convs_per_block,
    batchNorm: m.batch_norm,
    pool: m.pool,
    poolSize: m.pool_size,
    blockDropout: m.block_dropout,
    head: m.head,
    headAxes: m.head_axes,
    denseUnits: m.dense_units,
    dropout: m.dropout,
  };
}

export function trainSettings(config: ExperimentConfig): TrainSettings {
  const t = config.train;
  const s = t.schedule;
  const schedule: Schedule =
    s.kind === 'step'
      ? { kind: 'step', stepSize: s.step_size, gamma: s.gamma }
      : s.kind === 'cosine'
        ? { kind: 'cosine', minLr: s.min_lr }
        : s.kind === 'plateau'
          ? { kind: 'plateau', factor: s.factor, patience: s.patience, minLr: s.min_lr }
          : { kind: 'constant' };
  const a = t.augment;
  const augment: AugmentOptions | null = a
    ? {
        mixup: a.mixup,
        timeShift: a.time_shift,
        randomCropFrames: randomCropFrames(config),
        randomCropTopDb: randomCropTopDb(config),
        ...(a.spec_augment && {
          specAugment: {
            timeMasks: a.spec_augment.time_masks,
            timeMaskWidth: a.spec_augment.time_mask_width,
            freqMasks: a.spec_augment.freq_masks,
            freqMaskWidth: a.spec_augment.freq_mask_width,
          },
        }),
      }
    : null;
  return {
    epochs: t.epochs,
    batchSize: t.batch_size,
    lr: t.lr,
    schedule,
    earlyStopping: t.early_stopping
      ? { monitor: t.early_stopping.monitor, patience: t.early_stopping.patience, minDelta: t.early_stopping.min_delta }
      : null,
    classWeights: t.class_weights,
    labelSmoothing: t.label_smoothing,
    weightDecay: t.weight_decay,
    augment,
    inMemory: t.in_memory,
    timeBudget: t.time_budget === null ? null : { text: t.time_budget, seconds: parseDuration(t.time_budget) / 1000 },
  };
}
