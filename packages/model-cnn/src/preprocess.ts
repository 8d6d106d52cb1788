import { z } from 'zod';

/** Mel feature parameters, in librosa's vocabulary (see @earshot/features-mel). */
export interface MelFeatureParams {
  kind: 'melspectrogram';
  nFft: number;
  hopLength: number;
  winLength: number;
  window: 'hann';
  center: boolean;
  padMode: 'constant' | 'reflect' | 'edge';
  power: number;
  nMels: number;
  fmin: number;
  fmax: number;
  htk: boolean;
  norm: 'slaney' | null;
  /** power_to_db parameters, or null for a linear mel spectrogram. */
  db: { ref: 'max' | number; amin: number; topDb: number | null } | null;
}

/** How the model input was standardised: `(x - mean) / std`, one value globally or one per mel band. */
export type Normalization =
  | { kind: 'none' }
  | { kind: 'standardize'; scope: 'global' | 'per-band'; mean: number[]; std: number[] };

/**
 * Everything inference needs to compute exactly the training features, saved as `preprocess.json`
 * next to the model.
 */
export interface Preprocess {
  formatVersion: 1;
  /** Class names, index = model output index. */
  labels: string[];
  /** [nMels, nFrames] of one training example. */
  inputShape: [number, number];
  audio: {
    /** Target sample rate of loadAudio. */
    sr: number;
    mono: boolean;
    /** Clip duration in seconds the features were computed on (fixLength), or null for native length. */
    duration: number | null;
    pad: 'zeros' | 'wrap' | 'reflect';
    crop: 'start' | 'center' | 'random';
  };
  features: MelFeatureParams;
  normalization: Normalization;
  /** Free-form extras (e.g. the pipeline's config hash); not interpreted by earshot packages. */
  extra?: Record<string, unknown>;
}

const positive = z.number().positive();
const positiveInt = z.number().int().positive();

export const preprocessSchema = z.object({
  formatVersion: z.literal(1),
  labels: z.array(z.string()).min(2),
  inputShape: z.tuple([positiveInt, positiveInt]),
  audio: z.object({
    sr: positive,
    mono: z.boolean(),
    duration: positive.nullable(),
    pad: z.enum(['zeros', 'wrap', 'reflect']),
    crop: z.enum(['start', 'center', 'random']),
  }),
  features: z.object({
    kind: z.literal('melspectrogram'),
    nFft: positiveInt,
    hopLength: positiveInt,
    winLength: positiveInt,
    window: z.literal('hann'),
    center: z.boolean(),
    padMode: z.enum(['constant', 'reflect', 'edge']),
    power: positive,
    nMels: positiveInt,
    fmin: z.number().nonnegative(),
    fmax: positive,
    htk: z.boolean(),
    norm: z.literal('slaney').nullable(),
    db: z
      .object({ ref: z.union([z.literal('max'), positive]), amin: positive, topDb: positive.nullable() })
      .nullable(),
  }),
  normalization: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }),
    z.object({
      kind: z.literal('standardize'),
      scope: z.enum(['global', 'per-band']),
      mean: z.array(z.number()).min(1),
      std: z.array(z.number().positive()).min(1),
    }),
  ]),
  extra: z.record(z.string(), z.unknown()).optional(),
});

/** Validates parsed JSON as a Preprocess; the error names `source` and each bad key. */
export function parsePreprocess(value: unknown, source = 'preprocess.json'): Preprocess {
  const result = preprocessSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source} is invalid: ${problems}`);
  }
  const p = result.data as Preprocess;
  if (p.features.nMels !== p.inputShape[0]) {
    throw new Error(`${source} is invalid: inputShape[0] = ${p.inputShape[0]} but features.nMels = ${p.features.nMels}`);
  }
  if (p.normalization.kind === 'standardize') {
    const expected = p.normalization.scope === 'global' ? 1 : p.features.nMels;
    for (const key of ['mean', 'std'] as const) {
      if (p.normalization[key].length !== expected) {
        throw new Error(`${source} is invalid: normalization.${key} has ${p.normalization[key].length} values, expected ${expected} for scope '${p.normalization.scope}'`);
      }
    }
  }
  return p;
}
