import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

// metrics.json is read from disk, so it is validated here (zod at the edge). Objects are loose:
// the pipeline may add keys, and a report must not break on them.
const meanStd = z.looseObject({ mean: z.number(), std: z.number() });

const epochSchema = z.looseObject({
  epoch: z.number().int(),
  loss: z.number().optional(),
  accuracy: z.number().optional(),
  val_loss: z.number().optional(),
  val_accuracy: z.number().optional(),
  lr: z.number().optional(),
  seconds: z.number().optional(),
});

const perClassSchema = z.looseObject({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int().nonnegative(),
});

const predictionSchema = z.looseObject({ label: z.string(), p: z.number() });

const testSchema = z.looseObject({
  accuracy: z.number(),
  balanced_accuracy: z.number().optional(),
  macro_f1: z.number().optional(),
  weighted_f1: z.number().optional(),
  top_k: z.record(z.string(), z.number()).optional(),
  per_class: z.array(perClassSchema).optional(),
  confusion_matrix: z.array(z.array(z.number().nonnegative())),
  misclassified: z
    .array(z.looseObject({ path: z.string(), label: z.string(), predicted: z.string(), top: z.array(predictionSchema).optional() }))
    .optional(),
});

/**
 * metrics.json as written by a run (snake_case keys). With k-fold cross-validation, `test` holds
 * the pooled predictions over all folds' test sets, `epochs` the first fold's curves, `folds` each
 * fold's own epochs and test results, and `cv` the mean ± std (population std) over folds.
 */
export const runMetricsSchema = z.looseObject({
  name: z.string().optional(),
  seed: z.number().optional(),
  created: z.string().optional(),
  labels: z.array(z.string()).min(1),
  backend: z.looseObject({ name: z.string(), reason: z.string().optional() }).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  timings: z.record(z.string(), z.number()).optional(),
  dataset: z
    .looseObject({
      root: z.string().optional(),
      files: z.number().optional(),
      skipped: z.array(z.looseObject({ path: z.string(), reason: z.string() })).optional(),
      split: z.record(z.string(), z.number()).optional(),
    })
    .optional(),
  features: z.looseObject({ cached: z.number().optional(), computed: z.number().optional(), shape: z.array(z.number()).optional() }).optional(),
  model: z.looseObject({ name: z.string(), params: z.number().optional() }).optional(),
  epochs: z.array(epochSchema).optional(),
  test: testSchema.optional(),
  folds: z.array(z.looseObject({ fold: z.number().int(), epochs: z.array(epochSchema).optional(), test: testSchema.optional() })).optional(),
  cv: z.record(z.string(), meanStd).optional(),
});

export type RunMetrics = z.infer<typeof runMetricsSchema>;
export type EpochRecord = z.infer<typeof epochSchema>;
export type TestMetrics = z.infer<typeof testSchema>;

/** Validates parsed metrics.json content; `source` names the file in errors. */
export function parseRunMetrics(value: unknown, source = 'metrics.json'): RunMetrics {
  const result = runMetricsSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new Error(`${source}: invalid metrics at ${key}: ${issue?.message ?? 'unknown problem'}`);
  }
  const metrics = result.data;
  checkMatrix(metrics.test, metrics.labels.length, `${source}: test.confusion_matrix`);
  metrics.folds?.forEach((fold, i) => checkMatrix(fold.test, metrics.labels.length, `${source}: folds.${i}.test.confusion_matrix`));
  return metrics;
}

function checkMatrix(test: TestMetrics | undefined, n: number, where: string): void {
  if (!test) return;
  const m = test.confusion_matrix;
  if (m.length !== n || m.some((row) => row.length !== n)) {
    throw new Error(`${where} must be ${n}×${n} (one row and column per label), got ${m.length} rows`);
  }
}

/** Reads and validates `<runDir>/metrics.json`. */
export async function loadRunMetrics(runDir: string): Promise<RunMetrics> {
  const file = join(runDir, 'metrics.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read metrics (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseRunMetrics(value, file);
}

/** Reads `<runDir>/config.resolved.yaml` as text, or undefined when the run has none. */
export async function readResolvedConfig(runDir: string): Promise<string | undefined> {
  try {
    return await readFile(join(runDir, 'config.resolved.yaml'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
