import { availableParallelism, arch, platform } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { aggregateFolds } from '@earshot/metrics';
import type { ExperimentConfig, ModelSpec } from '../config/index.js';
import type { RunMetrics, TestMetrics, Timings } from '../run-metrics.js';
import type { SkippedFile, FeaturesResult } from './features.js';
import { usableItems, type FoldsResult } from './folds.js';
import type { ScanStageResult } from './scan.js';
import type { RunSetup } from './setup.js';
import type { SplitPlan } from './split.js';
import { EARSHOT_VERSION } from '../version.js';


export interface SummaryInput {
  config: ExperimentConfig;
  setup: RunSetup;
  scan: ScanStageResult;
  plan: SplitPlan;
  spec: ModelSpec;
  /** Files the scan or the features stage could not use. */
  skipped: SkippedFile[];
  features: FeaturesResult;
  trained: FoldsResult;
  /** The test results: the only fold's, or every fold's predictions pooled. */
  test: TestMetrics;
  timings: Timings;
}

/** The run's metrics.json. */
export function runMetrics(input: SummaryInput): RunMetrics {
  const { config, setup, scan, plan, features, trained } = input;
  const first = plan.folds[0]!;
  const metrics: RunMetrics = {
    name: config.name,
    seed: config.seed,
    created: new Date().toISOString(),
    labels: plan.labels,
    backend: { name: setup.backend.name, reason: setup.backend.reason, train_workers: setup.trainWorkers.workers, train_workers_reason: setup.trainWorkers.reason },
    environment: { node: process.version, tfjs: tf.version.tfjs, earshot: EARSHOT_VERSION, platform: `${platform()}-${arch()}`, cpus: availableParallelism() },
    timings: input.timings,
    dataset: {
      root: scan.root,
      files: scan.items.length + scan.skipped.length,
      skipped: input.skipped,
      split: {
        train: usableItems(first.train, features).length,
        validation: usableItems(first.validation, features).length,
        test: usableItems(first.test, features).length,
      },
    },
    features: {
      cached: features.cached,
      computed: features.computed,
      shape: features.shape,
      res_type: setup.resampler.resType,
      res_type_reason: setup.resampler.reason,
    },
    model: { name: input.spec.name, params: trained.model.params },
    ...(trained.timeBudget && {
      time_budget: { seconds: trained.timeBudget.seconds, first_epoch_seconds: trained.timeBudget.firstEpochSeconds, epochs: trained.timeBudget.epochs },
    }),
    epochs: trained.folds[0]!.epochs,
    ...(trained.folds[0]!.keptEpoch !== null && { kept_epoch: trained.folds[0]!.keptEpoch }),
    test: input.test,
  };
  if (trained.folds.length > 1) {
    const summary = (pick: (t: TestMetrics) => number) => {
      const s = aggregateFolds(trained.folds.map((f) => pick(f.test)));
      return { mean: s.mean, std: s.std };
    };
    metrics.folds = trained.folds.map((f) => ({ fold: f.fold, epochs: f.epochs, ...(f.keptEpoch !== null && { kept_epoch: f.keptEpoch }), test: f.test }));
    metrics.cv = {
      accuracy: summary((t) => t.accuracy),
      balanced_accuracy: summary((t) => t.balanced_accuracy),
      macro_f1: summary((t) => t.macro_f1),
    };
  }
  return metrics;
}
