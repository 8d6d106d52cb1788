import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/*
 * metrics.json: one schema is the contract. The run builds a `RunMetrics` value; the report,
 * `compare` and the tests read the file back through `parseRunMetrics`; `schema/metrics.schema.json`
 * is generated from it. Keys are snake_case, as in the experiment YAML.
 */

const meanStd = z.object({ mean: z.number(), std: z.number() });

export const epochRecordSchema = z.object({
  epoch: z.number().int().positive(),
  loss: z.number(),
  accuracy: z.number(),
  val_loss: z.number().optional(),
  val_accuracy: z.number().optional(),
  lr: z.number(),
  seconds: z.number().nonnegative(),
});

const rankedLabel = z.object({ label: z.string(), p: z.number() });

export const testMetricsSchema = z.object({
  accuracy: z.number(),
  balanced_accuracy: z.number(),
  macro_f1: z.number().describe('mean F1 over the classes present in the test labels or predictions (scikit-learn average=macro)'),
  macro_classes: z.number().int().nonnegative().optional().describe('how many classes macro_f1 averages over'),
  weighted_f1: z.number(),
  top_k: z.record(z.string(), z.number()).describe('accuracy of the true label within the top k, keyed by k'),
  per_class: z.array(
    z.object({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int().nonnegative() }),
  ),
  confusion_matrix: z.array(z.array(z.number().int().nonnegative())).describe('rows: true label, columns: predicted label'),
  misclassified: z.array(z.object({ path: z.string(), label: z.string(), predicted: z.string(), top: z.array(rankedLabel) })),
});

const count = z.number().int().nonnegative();
const keptEpoch = z.number().int().positive().optional().describe('the epoch whose weights early stopping restored; absent: the last epoch');
const seconds = z.number().nonnegative();

/**
 * With k-fold cross-validation, `test` holds the pooled predictions over all folds' test sets,
 * `epochs` the first fold's curves, `folds` each fold's own epochs and test results, and `cv` the
 * mean ± std (ddof 1) over folds.
 */
export const runMetricsSchema = z.object({
  name: z.string(),
  seed: z.number().int(),
  created: z.string().describe('ISO 8601 time the run finished'),
  labels: z.array(z.string()).min(1).describe('class names; index = model output'),
  backend: z.object({ name: z.string(), reason: z.string(), train_workers: z.number().int().positive(), train_workers_reason: z.string() }),
  environment: z.object({ node: z.string(), tfjs: z.string(), earshot: z.string(), platform: z.string(), cpus: z.number().int().positive() }),
  timings: z.object({ scan: seconds, features: seconds, train: seconds, evaluate: seconds, report: seconds, total: seconds }).describe('seconds per stage'),
  dataset: z.object({
    root: z.string(),
    files: count,
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
    split: z.object({ train: count, validation: count, test: count }).describe('usable files per split (first fold)'),
  }),
  features: z.object({
    cached: count,
    computed: count,
    shape: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    res_type: z
      .enum(['soxr_hq', 'speex'])
      .optional()
      .describe('the resampler that made the waveforms (features differ slightly between them); absent in runs before it was recorded, which used speex'),
    res_type_reason: z.string().optional().describe("why: the experiment's audio.res_type, or what auto found"),
  }),
  model: z.object({ name: z.string(), params: count }),
  time_budget: z
    .object({
      seconds: z.number().positive().describe('train.time_budget in seconds'),
      first_epoch_seconds: seconds.describe("the first fold's first epoch (training + validation), which the epochs were fitted to"),
      epochs: z.number().int().positive().describe('epochs per fold that fit the budget, at most train.epochs'),
    })
    .optional()
    .describe('present when train.time_budget is set'),
  epochs: z.array(epochRecordSchema),
  kept_epoch: keptEpoch,
  test: testMetricsSchema,
  folds: z
    .array(z.object({ fold: z.number().int().positive(), epochs: z.array(epochRecordSchema), kept_epoch: keptEpoch, test: testMetricsSchema }))
    .optional(),
  cv: z.object({ accuracy: meanStd, balanced_accuracy: meanStd, macro_f1: meanStd }).optional(),
});

export type RunMetrics = z.output<typeof runMetricsSchema>;
export type EpochRecord = z.output<typeof epochRecordSchema>;
export type TestMetrics = z.output<typeof testMetricsSchema>;
export type Timings = RunMetrics['timings'];

/** JSON Schema of metrics.json, published beside the experiment's (`schema/metrics.schema.json`). */
export function runMetricsJsonSchemaText(): string {
  const schema = z.toJSONSchema(runMetricsSchema, { io: 'output' }) as Record<string, unknown>;
  const text = JSON.stringify(
    { ...schema, $id: 'https://earshot.dev/schema/metrics.schema.json', title: 'earshot run metrics', description: 'metrics.json of an earshot run directory.' },
    null,
    2,
  );
  return `${text}\n`;
}

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

function checkMatrix(test: TestMetrics, n: number, where: string): void {
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
