import type { ExperimentConfig } from './schema.js';

/**
 * The one place where the YAML's snake_case names become the camelCase options the packages take.
 * Everything downstream of the config uses these types, never `ExperimentConfig` keys.
 */

export interface DecodeOptions {
  sr: number;
  /** Samples after pad/crop; null keeps the clip's own length. */
  length: number | null;
  pad: 'zeros' | 'wrap' | 'reflect';
  crop: 'start' | 'center' | 'random';
}

export interface DbOptions {
  kind: 'power' | 'amplitude' | 'none';
  ref: number | 'max';
  amin: number;
  topDb: number | null;
}

/** Parameters of `createMelExtractor` plus the dB step: everything that defines a feature tensor. */
export interface FeatureOptions {
  sr: number;
  nFft: number;
  hopLength: number;
  winLength: number;
  nMels: number;
  fmin: number;
  fmax: number;
  htk: boolean;
  power: number;
  db: DbOptions;
  /** Present for MFCC features (the `mel` subcommand); the pipeline uses log-mel. */
  nMfcc?: number;
}

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
}

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: Schedule;
  earlyStopping: { monitor: 'val_loss' | 'val_accuracy'; patience: number; minDelta: number } | null;
  classWeights: 'none' | 'auto' | number[];
  augment: AugmentOptions | null;
  inMemory: boolean | null;
}

/** `runtime.train_workers`: data-parallel training workers, or 'auto' (decided by the train stage). */
export type TrainWorkers = 'auto' | number;

export function trainWorkers(config: ExperimentConfig): TrainWorkers {
  return config.runtime.train_workers;
}

/** librosa's defaults for amin, which depend on the dB kind. */
export const defaultAmin = { power: 1e-10, amplitude: 1e-5, none: 1e-10 } as const;

export function decodeOptions(config: ExperimentConfig): DecodeOptions {
  const { sr, duration, pad, crop } = config.audio;
  return { sr, length: duration === null ? null : Math.round(duration * sr), pad, crop };
}

export function featureOptions(config: ExperimentConfig): FeatureOptions {
  const f = config.features;
  const sr = config.audio.sr;
  return {
    sr,
    nFft: f.n_fft,
    hopLength: f.hop_length,
    winLength: f.win_length ?? f.n_fft,
    nMels: f.n_mels,
    fmin: f.fmin,
    fmax: f.fmax ?? sr / 2,
    htk: f.htk,
    power: f.power,
    db: { kind: f.db.kind, ref: f.db.ref, amin: f.db.amin ?? defaultAmin[f.db.kind], topDb: f.db.top_db },
  };
}

/** Frames of a centred STFT over `length` samples (librosa: 1 + length // hop). */
export function frameCount(length: number, hopLength: number): number {
  return 1 + Math.floor(length / hopLength);
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
    augment,
    inMemory: t.in_memory,
  };
}

/** snake_case keys for JSON written next to the YAML (metrics.json, preprocess.json). */
export function featureOptionsToSnake(f: FeatureOptions): Record<string, unknown> {
  return {
    sr: f.sr,
    n_fft: f.nFft,
    hop_length: f.hopLength,
    win_length: f.winLength,
    n_mels: f.nMels,
    fmin: f.fmin,
    fmax: f.fmax,
    htk: f.htk,
    power: f.power,
    db: { kind: f.db.kind, ref: f.db.ref, amin: f.db.amin, top_db: f.db.topDb },
  };
}
