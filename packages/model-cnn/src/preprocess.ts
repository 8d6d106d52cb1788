import { z } from 'zod';
import { FEATURE_RECIPE_VERSION, checkRecipe, featureRecipeSchema, featureRows, type FeatureRecipe } from '@earshot/features-mel';

/**
 * `preprocess.json`, saved next to the model: the feature recipe that made the training inputs
 * and the labels of the model's outputs. Inference builds its extractor from `recipe` alone.
 */
export interface Preprocess {
  formatVersion: 2;
  /** Class names, index = model output index. */
  labels: string[];
  /** [rows, frames] of one training example: the model's input shape. */
  inputShape: [number, number];
  recipe: FeatureRecipe;
  /** Free-form extras (e.g. the experiment's name); not interpreted by earshot packages. */
  extra?: Record<string, unknown>;
}

const positiveInt = z.number().int().positive();
const labels = z.array(z.string()).min(2);
const inputShape = z.tuple([positiveInt, positiveInt]);
const extra = z.record(z.string(), z.unknown()).optional();

export const preprocessSchema = z.object({ formatVersion: z.literal(2), labels, inputShape, recipe: featureRecipeSchema, extra });

/** Format 1 (earshot 0.1 runs): the same facts spread over `audio`, `features` and `normalization`. */
const recipe = featureRecipeSchema.shape;
const preprocessV1Schema = z.object({
  formatVersion: z.literal(1),
  labels,
  inputShape,
  audio: z.object({ sr: recipe.sr, duration: z.number().positive().nullable(), ...recipe.clip.unwrap().pick({ pad: true, crop: true }).shape }),
  features: z.object({
    kind: z.literal('melspectrogram'),
    ...recipe.stft.shape,
    ...recipe.mel.shape,
    db: recipe.db.unwrap().omit({ kind: true }).nullable(),
  }),
  normalization: recipe.normalization,
  extra,
});

/** Reads a format-1 file as format 2, so models trained by earshot 0.1 still load. */
function upgradeV1(p: z.output<typeof preprocessV1Schema>): Preprocess {
  const { kind: _kind, db, power, nMels, fmin, fmax, htk, norm, ...stft } = p.features;
  // Format 1 kept the dB kind in `extra` (power unless it says amplitude).
  const dbKind = p.extra?.dbKind === 'amplitude' ? 'amplitude' : 'power';
  return {
    formatVersion: 2,
    labels: p.labels,
    inputShape: p.inputShape,
    recipe: {
      version: FEATURE_RECIPE_VERSION,
      sr: p.audio.sr,
      clip: p.audio.duration === null ? null : { duration: p.audio.duration, pad: p.audio.pad, crop: p.audio.crop },
      stft,
      mel: { nMels, fmin, fmax, htk, norm, power },
      db: db && { kind: dbKind, ...db },
      mfcc: null,
      normalization: p.normalization,
    },
    ...(p.extra && { extra: p.extra }),
  };
}

const problemsOf = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** Validates parsed JSON as a Preprocess (format 2, or 1 upgraded); the error names `source` and each bad key. */
export function parsePreprocess(value: unknown, source = 'preprocess.json'): Preprocess {
  const v1 = (value as { formatVersion?: unknown } | null)?.formatVersion === 1;
  const result = v1 ? preprocessV1Schema.safeParse(value) : preprocessSchema.safeParse(value);
  if (!result.success) throw new Error(`${source} is invalid: ${problemsOf(result.error)}`);
  const p = v1 ? upgradeV1(result.data as z.output<typeof preprocessV1Schema>) : (result.data as Preprocess);
  try {
    checkRecipe(p.recipe);
  } catch (error) {
    throw new Error(`${source} is invalid: recipe.${(error as Error).message}`);
  }
  const rows = featureRows(p.recipe);
  if (rows !== p.inputShape[0]) {
    throw new Error(`${source} is invalid: inputShape[0] = ${p.inputShape[0]} but the recipe makes ${rows} rows`);
  }
  return p;
}
