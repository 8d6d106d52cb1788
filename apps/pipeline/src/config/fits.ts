import { availableParallelism, freemem, totalmem } from 'node:os';
import { checkRecipe, featureRows, ParameterError } from '@earshot/features-mel';
import { modelLayout, ModelShapeError } from '@earshot/model-cnn';
import { LIMITS, overLimit } from './limits.js';
import { RANDOM_CROP_KEY, randomCropFrames } from './crop.js';
import { modelSpec } from './options.js';
import { recipeFromConfig } from './recipe.js';
import type { ExperimentConfig } from './schema.js';

/** Recipe keys (features-mel's camelCase) → the YAML keys that set them. */
const RECIPE_KEYS: Record<string, string> = {
  sr: 'audio.sr',
  'clip.duration': 'audio.duration',
  'stft.nFft': 'features.n_fft',
  'stft.hopLength': 'features.hop_length',
  'stft.winLength': 'features.win_length',
  'mel.nMels': 'features.n_mels',
  'mel.fmin': 'features.fmin',
  'mel.fmax': 'features.fmax',
  'mel.power': 'features.power',
  'mel.htk': 'features.htk',
  'db.amin': 'features.db.amin',
  'db.ref': 'features.db.ref',
  'db.topDb': 'features.db.top_db',
  'mfcc.nMfcc': 'features.n_mfcc',
};
const RECIPE_KEY_PATTERN = new RegExp(
  Object.keys(RECIPE_KEYS)
    .filter((k) => k.includes('.'))
    .map((k) => k.replace('.', '\\.'))
    .join('|'),
  'g',
);

/**
 * features-mel's recipe rules (mel range within Nyquist, a bin per mel band, win_length ≤ n_fft, …),
 * shared with the browser, reported at the YAML key. `duration` stands in for `audio.duration: auto`.
 */
export function recipeProblems(config: ExperimentConfig, duration = 1): string[] {
  try {
    checkRecipe(recipeFromConfig(config, duration));
    return [];
  } catch (err) {
    if (!(err instanceof ParameterError)) throw err;
    const key = (err.key && RECIPE_KEYS[err.key]) ?? 'features';
    return [`${key}: ${err.message.replace(RECIPE_KEY_PATTERN, (k) => RECIPE_KEYS[k]!)}`];
  }
}

/**
 * Worker threads beyond a few per core only cost memory (each holds a decoder, or a model replica):
 * at most max(8, 2 × cores).
 */
export function runtimeProblems(config: ExperimentConfig, cores = availableParallelism()): string[] {
  const max = Math.max(8, 2 * cores);
  const problems: string[] = [];
  const { workers, train_workers: trainWorkers } = config.runtime;
  if (workers !== null && workers > max) problems.push(`runtime.workers: ${workers} is above ${max} (2 × the ${cores} cores, at least 8)`);
  if (typeof trainWorkers === 'number' && trainWorkers > max) problems.push(`runtime.train_workers: ${trainWorkers} is above ${max} (2 × the ${cores} cores, at least 8)`);
  return problems;
}

/** What the data (or a fixed audio.duration) says about the model's input. */
export interface InputFacts {
  /** Samples of the longest clip at audio.sr after pad/crop. */
  samples: number;
  /** The key that sets the clip length, named when it is too short or too long. */
  lengthKey: string;
  nClasses: number;
  /** Training-worker threads: each holds the weights and Adam state. */
  workers: number;
  /** Clips in the dataset, when scanned (features held in RAM). */
  clips?: number;
}

const GB = 1024 ** 3;
const gb = (bytes: number) => (bytes < GB ? `${Math.ceil(bytes / 1024 ** 2)} MB` : `${(bytes / GB).toFixed(bytes < 10 * GB ? 1 : 0)} GB`);
const sci = (n: number) => (n >= 1e6 ? n.toExponential(1) : n.toLocaleString('en-US'));

/**
 * Rejects inputs the recipe and model cannot take, or that would not fit in this machine's memory,
 * computed from shapes alone (no tensor is allocated): a hop or FFT longer than the clip, a feature
 * matrix over the limit, a CNN whose pooling shrinks the input to nothing, and the training step's
 * memory (weights + gradients + Adam's two moments, plus activations × batch size).
 */
export function inputProblems(config: ExperimentConfig, facts: InputFacts, memory = { total: totalmem(), free: freemem() }): string[] {
  const f = config.features;
  const { samples, lengthKey } = facts;
  if (samples < 1) return [`${lengthKey}: gives clips of 0 samples at audio.sr ${config.audio.sr}`];
  if (samples > LIMITS.clipSamples) {
    return [`${lengthKey}: clips of ${sci(samples)} samples at audio.sr ${config.audio.sr}; ${overLimit(LIMITS.clipSamples, 'samples per clip, 128 MB')}`];
  }
  if (f.hop_length >= samples) {
    return [`features.hop_length: ${f.hop_length} is not shorter than a clip (${samples} samples, ${lengthKey} × audio.sr): one frame per clip; lower it`];
  }
  if (f.n_fft > samples) {
    return [`${lengthKey}: clips of ${samples} samples are shorter than features.n_fft (${f.n_fft}); lengthen the clips or lower features.n_fft`];
  }
  const recipe = recipeFromConfig(config, samples / config.audio.sr);
  const rows = featureRows(recipe);
  const frames = 1 + Math.floor(samples / f.hop_length); // center=True
  if (rows * frames > LIMITS.featureValues) {
    return [`features.hop_length: ${rows} rows × ${sci(frames)} frames per clip; ${overLimit(LIMITS.featureValues, 'feature values per clip, 128 MB')}: raise hop_length or shorten ${lengthKey}`];
  }
  const problems: string[] = [];
  const crop = cropProblem(config, samples, frames, lengthKey);
  if (typeof crop === 'string') return [crop];
  // Training steps see the crop: masks must fit it, and backprop's memory scales with it.
  const trainFrames = crop ?? frames;
  const seen = crop === null ? 'a clip' : `the ${RANDOM_CROP_KEY} window`;
  const spec = config.train.augment?.spec_augment;
  if (spec && spec.time_mask_width > trainFrames) {
    problems.push(`train.augment.spec_augment.time_mask_width: ${spec.time_mask_width} is above the ${trainFrames} frames of ${seen}`);
  }
  let layout;
  try {
    layout = modelLayout(modelSpec(config), [rows, trainFrames], Math.max(2, facts.nClasses));
  } catch (err) {
    if (!(err instanceof ModelShapeError)) throw err;
    const key = config.model.name === 'cnn' ? 'model.channels' : 'model.name';
    const source = crop === null ? `${lengthKey} and features.hop_length` : RANDOM_CROP_KEY;
    return [...problems, `${key}: ${err.message} (rows from features.n_mels/n_mfcc, frames from ${source}); use fewer blocks or a longer input`];
  }
  // Lower bounds, against the whole memory: a config is refused only when it certainly cannot fit.
  const machine = `this machine has ${gb(memory.total)} (${gb(memory.free)} free)`;
  // float32 weights plus Adam's m and v, per training worker (each holds a replica).
  const stateBytes = 12 * layout.params * facts.workers;
  if (stateBytes > memory.total) {
    return [...problems, `model: ${sci(layout.params)} parameters need ~${gb(stateBytes)} for weights and Adam state (input ${rows} × ${frames}); ${machine}`];
  }
  // Backprop keeps every conv and dense layer's output for each clip of the batch (float32).
  const batch = config.train.batch_size;
  const stepBytes = stateBytes + 4 * layout.weightedActivations * batch;
  if (stepBytes > memory.total) {
    return [
      ...problems,
      `train.batch_size: a training step needs at least ~${gb(stepBytes)} (${sci(layout.weightedActivations)} conv/dense outputs per clip × batch ${batch}, plus ${gb(stateBytes)} of weights and Adam state); ${machine}: lower train.batch_size, audio.duration or the model`,
    ];
  }
  if (config.train.in_memory === true && facts.clips !== undefined) {
    const featureBytes = 4 * rows * frames * facts.clips;
    if (featureBytes + stepBytes > memory.total * LIMITS.memoryFraction) {
      problems.push(`train.in_memory: ${facts.clips} clips of ${rows} × ${frames} features need ~${gb(featureBytes)} in RAM besides ~${gb(stepBytes)} for training; ${machine}: set it to null (held in RAM only when they fit)`);
    }
  }
  return problems;
}

/**
 * The random crop's width in frames (null when off), or the problem with it: it must be at least a
 * frame and shorter than the clip (a crop of the whole clip is no crop).
 */
function cropProblem(config: ExperimentConfig, samples: number, frames: number, lengthKey: string): number | null | string {
  const crop = randomCropFrames(config);
  if (crop === null) return null;
  const seconds = config.train.augment!.random_crop!;
  const clip = samples / config.audio.sr;
  if (seconds >= clip || crop >= frames) {
    return `${RANDOM_CROP_KEY}: ${seconds} s (${crop} frames) must be shorter than a clip (${+clip.toFixed(3)} s, ${frames} frames, ${lengthKey})`;
  }
  if (crop < 1) return `${RANDOM_CROP_KEY}: ${seconds} s is less than one frame (features.hop_length ${config.features.hop_length} at audio.sr ${config.audio.sr})`;
  return crop;
}
