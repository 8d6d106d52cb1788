import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FeatureCache } from '@earshot/feature-cache';
import { OutOfSpaceError, writeFileAtomic } from '@earshot/model-cnn/atomic-write';
import { killPoint } from '@earshot/model-cnn/kill-point';
import { ConfigError, modelSpec, recipeFromConfig, trainSettings, type ExperimentConfig } from '../config/index.js';
import { explainDiskFull, type RunDirRef } from '../disk-full.js';
import { EXIT_USAGE, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { runFiles } from '../run-dir.js';
import type { RunMetrics } from '../run-metrics.js';
import { datasetStage, reportSkipped } from './dataset.js';
import { evaluate, poolPredictions } from './evaluate.js';
import { checkInputs } from './preflight.js';
import { featureJobs, featuresStage } from './features.js';
import { trainFolds } from './folds.js';
import { saveRunModel } from './save-model.js';
import { setupRun } from './setup.js';
import { manifestCsv } from './split.js';
import { runMetrics } from './summary.js';
import { StageTimer } from './timer.js';

export { ResumeMismatchError } from './setup.js';

export interface RunOptions {
  log: Logger;
  /** Continue this run directory from its last checkpoint. */
  resume?: string;
  /** performance.now() when the command started (0: the process's start); default: the call. train.time_budget counts from it. */
  startedAt?: number;
}

/**
 * scan → features (cache) → train and test each fold → model → metrics.json → report.
 * Returns the run directory. A full disk under it ends the run with a one-line DiskFullError.
 */
export async function runExperiment(config: ExperimentConfig, opts: RunOptions): Promise<string> {
  const run: RunDirRef = opts.resume ? { dir: resolve(opts.resume) } : {};
  const startedAt = opts.startedAt ?? performance.now();
  return explainDiskFull(run, () => runStages(config, { ...opts, startedAt }, run));
}

async function runStages(config: ExperimentConfig, opts: RunOptions & { startedAt: number }, run: RunDirRef): Promise<string> {
  const { log } = opts;
  const timer = new StageTimer();
  const setup = await setupRun(config, opts);
  const { runDir } = setup;
  run.dir = runDir;
  const { scan, plan, clipDuration } = await refuseWithoutTrace(runDir, !opts.resume, async () => {
    const scanned = await timer.time('scan', () => datasetStage(config, runDir, log));
    checkInputs(config, scanned.scan, scanned.plan, scanned.clipDuration, setup.trainWorkers.workers);
    return scanned;
  });
  killPoint('after-scan');

  const recipe = recipeFromConfig(config, clipDuration);
  const jobs = featureJobs(scan, plan, recipe);
  const cache = FeatureCache.open(config.cache.dir);
  try {
    const extract = () =>
      timer.time('features', () =>
        featuresStage(jobs, { recipe, resType: setup.resampler.resType, seed: config.seed, cache, workers: config.runtime.workers, log, failFast: config.dataset.on_error === 'fail' }),
      );
    const extracted = await extract();
    killPoint('after-features');
    log.info(`features: ${extracted.cached} cached, ${extracted.computed} computed (${extracted.shape[0]} × ${extracted.shape[1]})`);
    await cache.recordRun({ hits: extracted.cached, misses: extracted.computed, experiment: config.name });
    reportSkipped(extracted.failed, config, log);
    const labelOf = new Map(scan.allItems.map((item) => [item.path, item.label]));
    const manifest = manifestCsv(scan.items, plan, [...scan.skipped, ...extracted.failed], (path) => labelOf.get(path) ?? '');
    await writeFileAtomic(join(runDir, runFiles.splitManifest), manifest);

    const spec = modelSpec(config);
    const settings = trainSettings(config);
    const trained = await trainFolds({
      config,
      spec,
      settings,
      scan,
      plan,
      cache,
      features: extracted,
      recompute: extract,
      runDir,
      configYaml: setup.configYaml,
      resume: Boolean(opts.resume),
      trainWorkers: setup.trainWorkers.workers,
      timer,
      runSeconds: () => (performance.now() - opts.startedAt) / 1000,
      log,
    });
    const { features } = trained;
    await saveRunModel(runDir, trained.model, {
      recipe,
      resType: setup.resampler.resType,
      labels: plan.labels,
      inputShape: features.shape,
      experiment: config.name,
    });

    const cv = trained.folds.length > 1;
    const evaluation = { topK: config.report.top_k, maxMisclassified: config.report.max_misclassified };
    const test = cv ? evaluate(poolPredictions(trained.folds.map((f) => f.predictions)), plan.labels, evaluation) : trained.folds[0]!.test;
    const metrics = runMetrics({ config, setup, scan, plan, spec, skipped: [...scan.skipped, ...features.failed], features, trained, test, timings: timer.seconds });
    if (metrics.cv) {
      const { mean, std } = metrics.cv.accuracy;
      log.info(`cross-validation accuracy: ${(mean * 100).toFixed(2)}% ± ${(std * 100).toFixed(2)}% over ${trained.folds.length} folds`);
    }
    await writeMetrics(runDir, metrics);
    await timer.time('report', () => writeRunReport(runDir, log));
    timer.finish();
    await writeMetrics(runDir, metrics);
    log.info(`test accuracy: ${(test.accuracy * 100).toFixed(2)}%${cv ? ' (pooled over the folds)' : ''}`);
    trained.model.model.dispose();
    return runDir;
  } finally {
    await cache.close();
  }
}

/**
 * A config the scanned data refutes (exit 2: clip lengths, folds, a CNN too deep for the input)
 * is found before anything is computed; a run directory made for this run alone is removed then,
 * so refused configs leave no near-empty runs behind.
 */
async function refuseWithoutTrace<T>(runDir: string, ownsRunDir: boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const refused = err instanceof ConfigError || (err instanceof UsageError && err.exitCode === EXIT_USAGE);
    if (refused && ownsRunDir) await rm(runDir, { recursive: true, force: true });
    throw err;
  }
}

async function writeMetrics(runDir: string, metrics: RunMetrics): Promise<void> {
  await writeFileAtomic(join(runDir, runFiles.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
}

/** The report is a view of metrics.json: a failure to render it is a warning, not a failed run (a full disk is). */
async function writeRunReport(runDir: string, log: Logger): Promise<void> {
  try {
    const { writeReport } = await import('../report/index.js');
    await writeReport(runDir);
  } catch (err) {
    if (err instanceof OutOfSpaceError) throw err;
    log.warn(`report: not written (${(err as Error).message})`);
  }
}
