/**
 * @earshot/trainer: a seeded custom training loop for tfjs audio classifiers (PyTorch-exact Adam,
 * schedules, validation, early stopping, checkpoints/resume, augmentation, data-parallel workers).
 * Prints nothing; progress is reported through onBatchEnd / onEpochEnd.
 */
export { train, getAllWeights, setAllWeights } from './train.js';
export type { BatchLog, EarlyStoppingOptions, EpochLog, TrainOptions, TrainResult } from './train-types.js';
export { arraySource, type BatchSource } from './source.js';
export { evaluate, predict, type Evaluation } from './evaluate.js';
export { Adam, type AdamOptions, type AdamState } from './adam.js';
export { LrSchedule, type ScheduleSpec, type ScheduleState } from './schedule.js';
export { augmentBatch, type AugmentedBatch, type AugmentOptions, type MaskValue } from './augment.js';
export { balancedClassWeights } from './loss.js';
export { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';
export type { ParallelOptions } from './parallel/types.js';
