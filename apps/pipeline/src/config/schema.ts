import { z } from 'zod';
import { parseDuration } from '@earshot/feature-cache/units';
import { LIMITS, overLimit } from './limits.js';

/**
 * The experiment file, as users write it: YAML with librosa's snake_case names.
 * Every object is strict so a typo (`train.epoch`) is an error, never silently ignored.
 * Defaults are the seed recipe (librosa.load sr=22050 → melspectrogram n_mels=128 →
 * power_to_db ref=max → seed CNN, Adam 1e-3, 10 epochs, batch 32, random 80/20 split).
 */

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).lt(1);
/** A positive integer up to a resource limit; `why` says what the limit protects. */
const intUpTo = (max: number, why: string) => positiveInt.max(max, overLimit(max, why));
const name = z.string().min(1, 'must not be empty');

/** A regular expression that compiles, and names the groups it must capture. */
const pattern = (...groups: string[]) =>
  z
    .string()
    .min(1)
    .superRefine((text, ctx) => {
      let re: RegExp;
      try {
        re = new RegExp(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `not a valid regular expression (${(err as Error).message})` });
        return;
      }
      const named = new Set(Object.keys(new RegExp(`${re.source}|`).exec('')?.groups ?? {}));
      for (const group of groups) if (!named.has(group)) ctx.addIssue({ code: 'custom', message: `needs a named group (?<${group}>…)` });
    });

const labelSource = z.discriminatedUnion('source', [
  z.strictObject({ source: z.literal('auto') }).describe('detected: a CSV manifest naming the files, else class folders, else labels in file names'),
  z
    .strictObject({
      source: z.literal('folder'),
      pattern: pattern()
        .optional()
        .describe('regex on the file name with named groups group, index or fold (e.g. a speaker id for split.kind group); labels stay the folders'),
    })
    .describe('one sub-folder per class'),
  z
    .strictObject({
      source: z.literal('filename'),
      pattern: pattern('label').describe('regex on the file name with named groups: label, optional group and index'),
    })
    .describe('labels parsed from file names'),
  z
    .strictObject({
      source: z.literal('csv'),
      file: z.string().min(1).describe('manifest path, relative to dataset.root'),
      path_column: name.default('path'),
      label_column: name.default('label'),
      fold_column: name.optional(),
      group_column: name.optional(),
      audio_dir: name.optional().describe('folder the paths are relative to, relative to dataset.root'),
      path_template: z
        .string()
        .regex(/\{[^}]+\}/, 'must name at least one {column}')
        .optional()
        .describe("a path built from columns instead of path_column, e.g. 'fold{fold}/{slice_file_name}'"),
    })
    .describe('a CSV manifest'),
]);

const dataset = z
  .strictObject({
    root: z.string().min(1).optional().describe("dataset folder; a relative path resolves against the experiment file's folder (against the working directory in --set)"),
    preset: z.enum(['fsdd', 'esc50', 'urbansound8k', 'demo']).optional().describe('known layout, labels and official split'),
    labels: labelSource.optional().describe('label source; default folder (or the preset\'s)'),
    url: z.string().url().optional().describe('archive to download when the preset data is missing'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/i).optional(),
    extensions: z.array(name).min(1).optional().describe('file extensions to scan; default all audio types'),
    on_error: z.enum(['skip', 'fail']).default('skip').describe('skip: report bad files and go on; fail: stop before training'),
    demo: z
      .strictObject({
        seed: z.number().int().min(0).default(0),
        per_class: intUpTo(LIMITS.demoPerClass, 'clips per class').default(60),
        seconds: z.number().positive().max(LIMITS.demoSeconds, overLimit(LIMITS.demoSeconds, 'seconds per synthesised clip')).default(2),
      })
      .prefault({})
      .describe('synthesis options for preset demo'),
  })
  .superRefine((d, ctx) => {
    if (d.root === undefined && d.preset !== 'demo') {
      ctx.addIssue({ code: 'custom', path: ['root'], message: 'required (unless dataset.preset is demo)' });
    }
    if ((d.url === undefined) !== (d.sha256 === undefined)) {
      ctx.addIssue({ code: 'custom', path: [d.url === undefined ? 'url' : 'sha256'], message: 'dataset.url and dataset.sha256 go together' });
    }
    if (d.url !== undefined && (d.preset === undefined || d.preset === 'demo')) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'downloads a preset\'s archive: needs dataset.preset fsdd, esc50 or urbansound8k' });
    }
    if (d.preset !== undefined && (d.labels?.source === 'csv' || d.labels?.source === 'filename')) {
      ctx.addIssue({ code: 'custom', path: ['labels', 'source'], message: `${d.labels.source} contradicts dataset.preset ${d.preset}, which gives its own labels; drop one of them` });
    }
  });

const splitRule = z
  .union([
    z.strictObject({
      field: z.enum(['index', 'fold']),
      op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
      value: z.number(),
    }),
    z.strictObject({
      field: z.enum(['index', 'fold', 'group', 'label']),
      op: z.literal('in'),
      value: z.array(z.union([z.number(), z.string()])).min(1),
    }),
  ])
  .describe("items matching the rule go to test, e.g. FSDD: {field: index, op: '<', value: 5}");

const splitShared = {
  validation: fraction.default(0).describe('fraction of train carved out as validation'),
};
/** A test fraction: 0 leaves nothing to test on. */
const testFraction = z.number().gt(0, 'must be above 0 (a split needs test clips)').lt(1).default(0.2);

const split = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('auto'), test: testFraction, ...splitShared })
    .describe('group when every file has a group (speaker, recording), else stratified'),
  z.strictObject({ kind: z.literal('random'), test: testFraction, ...splitShared }),
  z.strictObject({ kind: z.literal('stratified'), test: testFraction, ...splitShared }),
  z.strictObject({ kind: z.literal('group'), test: testFraction, ...splitShared }),
  z.strictObject({
    kind: z.literal('folds'),
    k: z.number().int().min(2, 'must be at least 2 (one fold is no cross-validation)').max(LIMITS.folds, overLimit(LIMITS.folds, 'folds')).optional().describe('number of folds; default the dataset\'s fold column, else 5 seeded stratified folds'),
    only: z
      .array(positiveInt)
      .min(1)
      .refine((only) => new Set(only).size === only.length, 'lists a fold twice')
      .optional().describe('run only these folds (1-based)'),
    ...splitShared,
  }),
  z.strictObject({
    kind: z.literal('rule'),
    test: splitRule,
    ...splitShared,
  }),
  z.strictObject({ kind: z.literal('official'), ...splitShared }).describe("the preset's official split"),
  z
    .strictObject({
      kind: z.literal('lists'),
      test_list: z.string().min(1).describe('file naming the test files, one path per line relative to dataset.root (or a CSV with a path column)'),
      validation_list: z.string().min(1).optional().describe('file naming the validation files; without it, split.validation carves a stratified fraction'),
      ...splitShared,
    })
    .describe("lists of test (and validation) files, as Speech Commands' testing_list.txt"),
]);

export const audioSection = z.strictObject({
  sr: intUpTo(LIMITS.sr, 'Hz; the highest common studio rate').default(22050).describe('target sample rate (librosa.load sr)'),
  duration: z
    .union([z.number().positive().max(LIMITS.duration, overLimit(LIMITS.duration, 'seconds per clip')), z.literal('auto')])
    .nullable()
    .default(null)
    .describe("seconds; pad/crop every clip to it. auto: the clips' common length, else their 95th percentile rounded up to 0.1 s; null: clips must match"),
  pad: z.enum(['zeros', 'wrap', 'reflect']).default('zeros'),
  crop: z.enum(['start', 'center', 'random']).default('start').describe('random crops training clips only, seeded'),
  res_type: z
    .enum(['auto', 'soxr_hq', 'speex'])
    .default('auto')
    .describe(
      "resampler (librosa.load res_type): soxr_hq is librosa's default, libsoxr (native in @earshot/native where built, else WebAssembly: " +
        "the same samples, bit-identical to librosa); speex: features within ~0.02 dB of librosa; auto: soxr_hq",
    ),
});

const db = z.strictObject({
  kind: z.enum(['power', 'amplitude', 'none']).default('power').describe('power_to_db, amplitude_to_db, or raw'),
  ref: z.union([z.literal('max'), z.number().positive()]).default('max'),
  amin: z.number().positive().max(1).optional().describe('default 1e-10 (power) / 1e-5 (amplitude)'),
  top_db: z.number().positive().nullable().default(80),
});

export const featuresSection = z.strictObject({
  n_fft: intUpTo(LIMITS.nFft, 'STFT size').default(2048),
  hop_length: intUpTo(LIMITS.clipSamples, 'samples').default(512),
  win_length: intUpTo(LIMITS.nFft, 'window length, at most n_fft').nullable().default(null).describe('null: n_fft'),
  n_mels: intUpTo(LIMITS.nMels, 'mel bands').default(128),
  fmin: z.number().min(0).default(0),
  fmax: z.number().positive().nullable().default(null).describe('null: sr/2'),
  htk: z.boolean().default(false),
  power: z.number().positive().max(LIMITS.power, overLimit(LIMITS.power, 'magnitude exponent; librosa uses 1 or 2')).default(2),
  db: db.prefault({}),
  n_mfcc: intUpTo(LIMITS.nMfcc, 'MFCC coefficients').nullable().default(null).describe('MFCC coefficients of the dB mel spectrogram (librosa.feature.mfcc); null: the spectrogram itself'),
  normalize: z.enum(['none', 'standardize']).default('none').describe('standardise with the train split mean/std'),
});

const model = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('seed-cnn') }),
  z.strictObject({
    name: z.literal('cnn'),
    channels: z
      .array(intUpTo(LIMITS.channels, 'channels per block'))
      .min(1)
      .max(LIMITS.blocks, overLimit(LIMITS.blocks, 'conv blocks'))
      .default([32, 64, 128, 256]).describe('output channels of each conv block'),
    kernel_size: intUpTo(LIMITS.kernelSize, 'kernel size').default(3),
    convs_per_block: intUpTo(LIMITS.convsPerBlock, 'convs per block').default(2).describe('conv → [batch norm] → ReLU, repeated'),
    batch_norm: z.boolean().default(true),
    pool: z.enum(['max', 'avg']).default('max'),
    pool_size: z.number().int().min(2, 'must be at least 2 (1 does not pool)').max(LIMITS.poolSize, overLimit(LIMITS.poolSize, 'pool size')).default(2),
    block_dropout: z.number().min(0).lt(1).default(0.1),
    head: z.enum(['gap', 'gap+gmp']).default('gap').describe('global average (and max) pooling in the head'),
    head_axes: z.enum(['frequency+time', 'time']).default('frequency+time').describe("axes the head pools over; 'time' keeps the frequency layout"),
    dense_units: z.number().int().min(0).max(LIMITS.denseUnits, overLimit(LIMITS.denseUnits, 'units')).default(0).describe('fc layer before the classifier; 0 for none'),
    dropout: z.number().min(0).lt(1).default(0.3).describe('dropout before the classifier'),
  }),
]);

const schedule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('step'), step_size: positiveInt, gamma: z.number().positive().max(1, 'must be at most 1 (the factor the learning rate is multiplied by)').default(0.1) }),
  z.strictObject({ kind: z.literal('cosine'), min_lr: z.number().min(0).default(0) }),
  z.strictObject({
    kind: z.literal('plateau'),
    factor: z.number().positive().lt(1).default(0.5),
    patience: positiveInt.default(3),
    min_lr: z.number().min(0).default(0),
  }),
]);

const augment = z.strictObject({
  spec_augment: z
    .strictObject({
      time_masks: z.number().int().min(0).max(LIMITS.masks, overLimit(LIMITS.masks, 'masks')).default(2),
      time_mask_width: z.number().int().min(0).default(8),
      freq_masks: z.number().int().min(0).max(LIMITS.masks, overLimit(LIMITS.masks, 'masks')).default(2),
      freq_mask_width: z.number().int().min(0).default(8),
    })
    .optional(),
  mixup: z.number().min(0).max(LIMITS.mixup, overLimit(LIMITS.mixup, 'Beta(alpha, alpha); 0.2 to 1 is usual')).default(0).describe('mixup alpha; 0 disables'),
  time_shift: z.number().min(0).max(1).default(0).describe('max random circular shift, as a fraction of the frames'),
  random_crop: z
    .number()
    .positive()
    .nullable()
    .default(null)
    .describe('seconds; each training step sees a seeded random window of this length per clip (model cnn only); validation, test and predict see the whole clip'),
  random_crop_top_db: z
    .number()
    .positive()
    .nullable()
    .default(20)
    .describe("random_crop keeps a clip's sound: frames more than this many dB under its loudest (mean over mel bands) are silence, and a window holds all the rest when it fits, else lies inside it (librosa.effects.trim's idea); null: uniform windows. dB mel features only (not MFCCs)"),
});

const train = z.strictObject({
  epochs: intUpTo(LIMITS.epochs, 'epochs').default(10),
  batch_size: intUpTo(LIMITS.batchSize, 'clips per step').default(32),
  lr: z.number().positive().max(LIMITS.lr, overLimit(LIMITS.lr, 'learning rate')).default(1e-3),
  schedule: schedule.prefault({ kind: 'constant' }),
  early_stopping: z
    .strictObject({
      monitor: z.enum(['val_loss', 'val_accuracy']).default('val_loss'),
      patience: positiveInt.default(5),
      min_delta: z.number().min(0).default(0),
    })
    .nullable()
    .default(null)
    .describe('needs split.validation > 0; restores the best weights'),
  class_weights: z.union([z.literal('none'), z.literal('auto'), z.array(z.number().positive()).min(1)]).default('none'),
  label_smoothing: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe("ε: train on targets (1−ε)·one-hot + ε/classes, as PyTorch's CrossEntropyLoss(label_smoothing=ε); 0: off"),
  weight_decay: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe("decoupled weight decay λ: each step also scales the weights by 1 − lr·λ, as PyTorch's AdamW(weight_decay=λ); 0: plain Adam"),
  augment: augment.nullable().default(null),
  in_memory: z.boolean().nullable().default(null).describe('hold features in RAM; null: when they fit'),
  time_budget: z
    .string()
    .superRefine((text, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return;
      }
      if (!(ms > 0)) ctx.addIssue({ code: 'custom', message: 'must be above 0 (null turns the budget off)' });
    })
    .nullable()
    .default(null)
    .describe(
      'wall time for the whole run (scan, features, every fold), e.g. 90m, 2h, 45s: after the first epoch the epochs per fold ' +
        'are set to what fits, at most train.epochs (at least 1); null: train.epochs',
    ),
});

const runtime = z.strictObject({
  backend: z.enum(['auto', 'node', 'native', 'wasm', 'cpu']).default('auto'),
  workers: intUpTo(LIMITS.workers, 'feature workers').nullable().default(null).describe('feature workers; null: one per core'),
  train_workers: z
    .union([z.literal('auto'), intUpTo(LIMITS.workers, 'training workers')])
    .default('auto')
    .describe('data-parallel training worker threads; auto: one per core on the wasm backend with ≥ 2 cores, else 1'),
});

const experimentCore = z.strictObject({
  recipe: z
    .enum(['default', 'seed'])
    .default('default')
    .describe(
      'default: keys left out take defaults for your own data (audio.duration auto, split auto with validation 0.1, ' +
        'features.normalize standardize, train.epochs 30 with early stopping, labels detected); seed: the seed recipe\'s (the values shown here)',
    ),
  name: z.string().min(1).max(100).regex(/^[\w.-]+$/, 'letters, digits, dot, dash and underscore only').default('experiment'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  dataset: dataset,
  split: split.prefault({ kind: 'random' }),
  audio: audioSection.prefault({}),
  features: featuresSection.prefault({}),
  model: model.prefault({ name: 'seed-cnn' }),
  train: train.prefault({}),
  runtime: runtime.prefault({}),
  cache: z.strictObject({ dir: name.default('.cache/earshot') }).prefault({}),
  output: z.strictObject({ dir: name.default('runs') }).prefault({}),
  report: z
    .strictObject({
      top_k: intUpTo(LIMITS.topK, 'labels per clip').default(3),
      max_misclassified: z.number().int().min(0).max(LIMITS.maxMisclassified, overLimit(LIMITS.maxMisclassified, 'clips')).default(50),
    })
    .prefault({}),
});

export const experimentSchema = experimentCore
  // Rules that span sections, reported at the key to change.
  .superRefine((c, ctx) => {
    if (c.split.kind === 'official' && (c.dataset.preset === undefined || c.dataset.preset === 'demo')) {
      ctx.addIssue({ code: 'custom', path: ['split', 'kind'], message: 'official needs dataset.preset fsdd, esc50 or urbansound8k' });
    }
    if (c.train.early_stopping && c.split.validation === 0 && !(c.split.kind === 'lists' && c.split.validation_list)) {
      ctx.addIssue({ code: 'custom', path: ['train', 'early_stopping'], message: 'needs a validation split (split.validation > 0)' });
    }
    crossSectionRules(c, ctx);
  });

type Checked = z.output<typeof experimentCore>;

/** Pairs of keys that contradict each other, and sizes that only a pair of keys determines. */
function crossSectionRules(c: Checked, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const s = c.split;
  if ('test' in s && typeof s.test === 'number' && s.test + s.validation >= 1) {
    issue(['split', 'validation'], `split.test (${s.test}) + split.validation (${s.validation}) must be below 1: nothing would be left to train on`);
  }
  if (s.kind === 'folds' && s.k !== undefined && s.only) {
    const bad = s.only.filter((f) => f > s.k!);
    if (bad.length) issue(['split', 'only'], `fold ${bad.join(', ')} does not exist: split.k is ${s.k} (folds are 1..${s.k})`);
  }
  const f = c.features;
  const rows = f.n_mfcc === null ? f.n_mels : f.n_mfcc;
  if (f.n_mfcc !== null && f.n_mfcc > f.n_mels) issue(['features', 'n_mfcc'], `must be at most features.n_mels (${f.n_mels}): the DCT of n_mels bands has n_mels coefficients`);
  const spec = c.train.augment?.spec_augment;
  if (spec && spec.freq_mask_width > rows) {
    issue(['train', 'augment', 'spec_augment', 'freq_mask_width'], `must be at most the feature rows (${rows}, features.${f.n_mfcc === null ? 'n_mels' : 'n_mfcc'})`);
  }
  // A flatten + dense head is sized for one input width; the cnn's global pooling takes any.
  if (c.train.augment?.random_crop != null && c.model.name !== 'cnn') {
    issue(['train', 'augment', 'random_crop'], `needs model.name cnn (its global pooling head takes any length); ${c.model.name}'s flatten + dense head needs the whole clip`);
  }
  const sched = c.train.schedule;
  if (sched.kind === 'step' && sched.step_size > c.train.epochs) {
    issue(['train', 'schedule', 'step_size'], `is above train.epochs (${c.train.epochs}): the learning rate would never step`);
  }
  if ((sched.kind === 'cosine' || sched.kind === 'plateau') && sched.min_lr >= c.train.lr) {
    issue(['train', 'schedule', 'min_lr'], `must be below train.lr (${c.train.lr})`);
  }
  const duration = c.audio.duration;
  if (typeof duration === 'number') {
    const samples = Math.round(duration * c.audio.sr);
    if (samples > LIMITS.clipSamples) {
      issue(['audio', 'duration'], `${duration} s at audio.sr ${c.audio.sr} is ${samples.toExponential(2)} samples per clip; ${overLimit(LIMITS.clipSamples, 'samples per clip, 128 MB')}`);
    }
  }
}

/** The experiment after validation and defaults (snake_case, as in the YAML). */
export type ExperimentConfig = z.output<typeof experimentSchema>;
/** What a user may write. */
export type ExperimentInput = z.input<typeof experimentSchema>;
