import { z } from 'zod';

/**
 * The experiment file, as users write it: YAML with librosa's snake_case names.
 * Every object is strict so a typo (`train.epoch`) is an error, never silently ignored.
 * Defaults are the seed recipe (librosa.load sr=22050 → melspectrogram n_mels=128 →
 * power_to_db ref=max → seed CNN, Adam 1e-3, 10 epochs, batch 32, random 80/20 split).
 */

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).lt(1);

const labelSource = z.discriminatedUnion('source', [
  z.strictObject({ source: z.literal('auto') }).describe('detected: a CSV manifest naming the files, else class folders, else labels in file names'),
  z
    .strictObject({
      source: z.literal('folder'),
      pattern: z
        .string()
        .min(1)
        .optional()
        .describe('regex on the file name with named groups group, index or fold (e.g. a speaker id for split.kind group); labels stay the folders'),
    })
    .describe('one sub-folder per class'),
  z
    .strictObject({
      source: z.literal('filename'),
      pattern: z.string().min(1).describe('regex on the file name with named groups: label, optional group and index'),
    })
    .describe('labels parsed from file names'),
  z
    .strictObject({
      source: z.literal('csv'),
      file: z.string().min(1).describe('manifest path, relative to dataset.root'),
      path_column: z.string().default('path'),
      label_column: z.string().default('label'),
      fold_column: z.string().optional(),
      group_column: z.string().optional(),
      audio_dir: z.string().optional().describe('folder the paths are relative to, relative to dataset.root'),
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
    extensions: z.array(z.string()).optional().describe('file extensions to scan; default all audio types'),
    on_error: z.enum(['skip', 'fail']).default('skip').describe('skip: report bad files and go on; fail: stop before training'),
    demo: z
      .strictObject({
        seed: z.number().int().default(0),
        per_class: positiveInt.default(60),
        seconds: z.number().positive().default(2),
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

const split = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('auto'), test: fraction.default(0.2), ...splitShared })
    .describe('group when every file has a group (speaker, recording), else stratified'),
  z.strictObject({ kind: z.literal('random'), test: fraction.default(0.2), ...splitShared }),
  z.strictObject({ kind: z.literal('stratified'), test: fraction.default(0.2), ...splitShared }),
  z.strictObject({ kind: z.literal('group'), test: fraction.default(0.2), ...splitShared }),
  z.strictObject({
    kind: z.literal('folds'),
    k: positiveInt.optional().describe('number of folds; default the dataset\'s fold column, else 5 seeded stratified folds'),
    only: z.array(positiveInt).optional().describe('run only these folds (1-based)'),
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
  sr: positiveInt.default(22050).describe('target sample rate (librosa.load sr)'),
  duration: z
    .union([z.number().positive(), z.literal('auto')])
    .nullable()
    .default(null)
    .describe("seconds; pad/crop every clip to it. auto: the clips' common length, else their 95th percentile rounded up to 0.1 s; null: clips must match"),
  pad: z.enum(['zeros', 'wrap', 'reflect']).default('zeros'),
  crop: z.enum(['start', 'center', 'random']).default('start').describe('random crops training clips only, seeded'),
  res_type: z
    .enum(['auto', 'soxr_hq', 'speex'])
    .default('auto')
    .describe(
      "resampler (librosa.load res_type): soxr_hq is librosa's default, libsoxr in @earshot/native (bit-identical to librosa); " +
        'speex is WebAssembly (features within ~0.02 dB of librosa); auto: soxr_hq where the native addon is built, else speex',
    ),
});

const db = z.strictObject({
  kind: z.enum(['power', 'amplitude', 'none']).default('power').describe('power_to_db, amplitude_to_db, or raw'),
  ref: z.union([z.literal('max'), z.number().positive()]).default('max'),
  amin: z.number().positive().optional().describe('default 1e-10 (power) / 1e-5 (amplitude)'),
  top_db: z.number().positive().nullable().default(80),
});

export const featuresSection = z.strictObject({
  n_fft: positiveInt.default(2048),
  hop_length: positiveInt.default(512),
  win_length: positiveInt.nullable().default(null).describe('null: n_fft'),
  n_mels: positiveInt.default(128),
  fmin: z.number().min(0).default(0),
  fmax: z.number().positive().nullable().default(null).describe('null: sr/2'),
  htk: z.boolean().default(false),
  power: z.number().positive().default(2),
  db: db.prefault({}),
  n_mfcc: positiveInt.nullable().default(null).describe('MFCC coefficients of the dB mel spectrogram (librosa.feature.mfcc); null: the spectrogram itself'),
  normalize: z.enum(['none', 'standardize']).default('none').describe('standardise with the train split mean/std'),
});

const model = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('seed-cnn') }),
  z.strictObject({
    name: z.literal('cnn'),
    channels: z.array(positiveInt).min(1).default([32, 64, 128, 256]).describe('output channels of each conv block'),
    kernel_size: positiveInt.default(3),
    convs_per_block: positiveInt.default(2).describe('conv → [batch norm] → ReLU, repeated'),
    batch_norm: z.boolean().default(true),
    pool: z.enum(['max', 'avg']).default('max'),
    pool_size: positiveInt.default(2),
    block_dropout: z.number().min(0).lt(1).default(0.1),
    head: z.enum(['gap', 'gap+gmp']).default('gap').describe('global average (and max) pooling in the head'),
    head_axes: z.enum(['frequency+time', 'time']).default('frequency+time').describe("axes the head pools over; 'time' keeps the frequency layout"),
    dense_units: z.number().int().min(0).default(0).describe('fc layer before the classifier; 0 for none'),
    dropout: z.number().min(0).lt(1).default(0.3).describe('dropout before the classifier'),
  }),
]);

const schedule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('step'), step_size: positiveInt, gamma: z.number().positive().default(0.1) }),
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
      time_masks: z.number().int().min(0).default(2),
      time_mask_width: z.number().int().min(0).default(8),
      freq_masks: z.number().int().min(0).default(2),
      freq_mask_width: z.number().int().min(0).default(8),
    })
    .optional(),
  mixup: z.number().min(0).default(0).describe('mixup alpha; 0 disables'),
  time_shift: z.number().min(0).max(1).default(0).describe('max random circular shift, as a fraction of the frames'),
});

const train = z.strictObject({
  epochs: positiveInt.default(10),
  batch_size: positiveInt.default(32),
  lr: z.number().positive().default(1e-3),
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
  class_weights: z.union([z.literal('none'), z.literal('auto'), z.array(z.number().positive())]).default('none'),
  augment: augment.nullable().default(null),
  in_memory: z.boolean().nullable().default(null).describe('hold features in RAM; null: when they fit'),
});

const runtime = z.strictObject({
  backend: z.enum(['auto', 'node', 'native', 'wasm', 'cpu']).default('auto'),
  workers: positiveInt.nullable().default(null).describe('feature workers; null: one per core'),
  train_workers: z
    .union([z.literal('auto'), positiveInt])
    .default('auto')
    .describe('data-parallel training worker threads; auto: one per core on the wasm backend with ≥ 2 cores, else 1'),
});

export const experimentSchema = z.strictObject({
  recipe: z
    .enum(['default', 'seed'])
    .default('default')
    .describe(
      'default: keys left out take defaults for your own data (audio.duration auto, split auto with validation 0.1, ' +
        'features.normalize standardize, train.epochs 30 with early stopping, labels detected); seed: the seed recipe\'s (the values shown here)',
    ),
  name: z.string().regex(/^[\w.-]+$/, 'letters, digits, dot, dash and underscore only').default('experiment'),
  seed: z.number().int().min(0).default(0),
  dataset: dataset,
  split: split.prefault({ kind: 'random' }),
  audio: audioSection.prefault({}),
  features: featuresSection.prefault({}),
  model: model.prefault({ name: 'seed-cnn' }),
  train: train.prefault({}),
  runtime: runtime.prefault({}),
  cache: z.strictObject({ dir: z.string().default('.cache/earshot') }).prefault({}),
  output: z.strictObject({ dir: z.string().default('runs') }).prefault({}),
  report: z
    .strictObject({
      top_k: positiveInt.default(3),
      max_misclassified: z.number().int().min(0).default(50),
    })
    .prefault({}),
})
  // Rules that span sections, reported at the key to change.
  .superRefine((c, ctx) => {
    if (c.split.kind === 'official' && (c.dataset.preset === undefined || c.dataset.preset === 'demo')) {
      ctx.addIssue({ code: 'custom', path: ['split', 'kind'], message: 'official needs dataset.preset fsdd, esc50 or urbansound8k' });
    }
    if (c.train.early_stopping && c.split.validation === 0) {
      ctx.addIssue({ code: 'custom', path: ['train', 'early_stopping'], message: 'needs a validation split (split.validation > 0)' });
    }
  });

/** The experiment after validation and defaults (snake_case, as in the YAML). */
export type ExperimentConfig = z.output<typeof experimentSchema>;
/** What a user may write. */
export type ExperimentInput = z.input<typeof experimentSchema>;
