import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Normalization } from '@earshot/features-mel';
import { UnreadableEntryError, type FeatureStore } from '@earshot/feature-cache';
import type { ExperimentConfig, ModelSpec, TrainSettings } from '../config/index.js';
import type { Logger } from '../log.js';
import { runFiles } from '../run-dir.js';
import type { EpochRecord, TestMetrics } from '../run-metrics.js';
import { evaluate, predictSource, type Predictions } from './evaluate.js';
import type { FeaturesResult } from './features.js';
import type { ScanStageResult } from './scan.js';
import type { FoldPlan, SplitPlan } from './split.js';
import { budgetEpochs, describeBudget } from './time-budget.js';
import type { StageTimer } from './timer.js';
import { makeSource, RunEta, trainStage, trainStatistics, type TrainStageOptions } from './train.js';

/** Times a fold is redone after recomputing entries found unreadable, before the run gives up. */
const MAX_REPAIRS = 2;

export interface FoldResult {
  /** 1-based; 1 for a single split. */
  fold: number;
  epochs: EpochRecord[];
  /** The epoch early stopping restored, or null. */
  keptEpoch: number | null;
  test: TestMetrics;
  predictions: Predictions;
}

/** A fold's trained model and the normalisation its inputs had. */
export interface TrainedModel {
  model: tf.LayersModel;
  normalization: Normalization;
  params: number;
}

export interface FoldsInput {
  config: ExperimentConfig;
  spec: ModelSpec;
  settings: TrainSettings;
  scan: ScanStageResult;
  plan: SplitPlan;
  cache: FeatureStore;
  features: FeaturesResult;
  /** Computes the features again after corrupt entries were found and removed (the features stage). */
  recompute: () => Promise<FeaturesResult>;
  runDir: string;
  configYaml: string;
  resume: boolean;
  trainWorkers: number;
  timer: StageTimer;
  /** Wall seconds since the command started: train.time_budget counts from it. */
  runSeconds: () => number;
  log: Logger;
}

export interface FoldsResult {
  folds: FoldResult[];
  /** The first (or only) fold's model: the run's model. The others are disposed of. */
  model: TrainedModel;
  /** The features as finally used (after any repair). */
  features: FeaturesResult;
  /** With train.time_budget: the budget, the first fold's first epoch and the epochs per fold it gave. */
  timeBudget?: { seconds: number; firstEpochSeconds: number; epochs: number };
}

/** How many epochs a fold trains: a fixed total, or (first fold of a budgeted run) a total fitted after epoch 1. */
type FoldEpochs = Pick<TrainStageOptions, 'epochs' | 'fitEpochs'>;

/**
 * Trains and tests each fold (one for a single split). A tensor found corrupt when read is removed
 * by the cache; it is then computed again and the fold redone, at most `MAX_REPAIRS` times.
 */
export async function trainFolds(input: FoldsInput): Promise<FoldsResult> {
  const { plan, cache, log } = input;
  let features = input.features;
  const folds: FoldResult[] = [];
  let kept: TrainedModel | undefined;
  const budget = input.settings.timeBudget;
  // The first fold fits the budget; the others train as many epochs, so the folds stay comparable.
  let epochsPerFold = input.settings.epochs;
  let fitted = false;
  const runEta = new RunEta(plan.folds.length, epochsPerFold);
  let firstFoldStart = 0;
  const fitEpochs = budget && ((epochSeconds: number) => {
    const elapsedSeconds = input.runSeconds();
    const foldSetupSeconds = Math.max(0, elapsedSeconds - firstFoldStart - epochSeconds);
    const facts = { budgetSeconds: budget.seconds, elapsedSeconds, epochSeconds, foldSetupSeconds, folds: plan.folds.length, maxEpochs: input.settings.epochs };
    const fit = budgetEpochs(facts);
    fitted = true;
    runEta.setEpochsPerFold(fit.epochs);
    return { epochs: fit.epochs, line: describeBudget(budget.text, facts, fit) };
  });
  for (const fold of plan.folds) {
    const foldEpochs: FoldEpochs = fitEpochs && folds.length === 0 ? { fitEpochs } : { epochs: epochsPerFold };
    for (let repairs = 0; ; repairs++) {
      if (folds.length === 0) firstFoldStart = input.runSeconds();
      try {
        const { result, model, totalEpochs } = await trainFold(input, fold, features, runEta, foldEpochs);
        if (budget && folds.length === 0) {
          epochsPerFold = totalEpochs;
          // A resumed run keeps the total its first epoch chose (saved in the checkpoint).
          if (!fitted) {
            const epochs = `${totalEpochs} epoch${totalEpochs === 1 ? '' : 's'}${plan.folds.length > 1 ? ' per fold' : ''}`;
            log.info(`time budget ${budget.text}: resumed with ${epochs}, fitted after the first epoch (train.epochs: ${input.settings.epochs})`);
          }
        }
        folds.push(result);
        if (!kept) kept = model;
        else model.model.dispose();
        break;
      } catch (error) {
        if (!(error instanceof UnreadableEntryError) || repairs >= MAX_REPAIRS) throw error;
        log.warn(`${error.message}; recomputing, then redoing ${plan.folds.length > 1 ? `fold ${fold.fold}` : 'training'}`);
        await cache.flush(); // the removal of what was found corrupt is committed first
        const repaired = await input.recompute();
        features = { ...repaired, cached: features.cached - repaired.computed, computed: features.computed + repaired.computed };
      }
    }
  }
  const timeBudget = budget && { seconds: budget.seconds, firstEpochSeconds: folds[0]!.epochs[0]!.seconds, epochs: epochsPerFold };
  return { folds, model: kept!, features, ...(timeBudget && { timeBudget }) };
}

/** The scanned items of a split that have features (files that failed extraction drop out). */
export function usableItems(indices: readonly number[], features: FeaturesResult): number[] {
  return indices.filter((i) => features.keys[i] !== undefined);
}

async function trainFold(
  input: FoldsInput,
  fold: FoldPlan,
  features: FeaturesResult,
  runEta: RunEta,
  foldEpochs: FoldEpochs,
): Promise<{ result: FoldResult; model: TrainedModel; totalEpochs: number }> {
  const { config, settings, scan, plan, cache, timer, log } = input;
  const train = usableItems(fold.train, features);
  const validation = usableItems(fold.validation, features);
  const test = usableItems(fold.test, features);
  if (train.length === 0 || test.length === 0) throw new Error(`split${fold.fold ? ` fold ${fold.fold}` : ''}: empty train or test set`);
  const prefix = plan.folds.length > 1 ? `fold ${fold.fold}: ` : '';
  log.info(`${prefix || 'split: '}train ${train.length}, validation ${validation.length}, test ${test.length}`);

  const keysOf = (indices: number[]) => indices.map((i) => features.keys[i]!);
  const normalization: Normalization = config.features.normalize === 'standardize' ? trainStatistics(cache, keysOf(train)) : { kind: 'none' };
  const sourceOf = (indices: number[]) =>
    makeSource(cache, { keys: keysOf(indices), labels: Int32Array.from(indices, (i) => plan.labelIndex[i]!) }, features.shape, normalization, settings.inMemory);

  const trained = await timer.time('train', () =>
    trainStage({
      spec: input.spec,
      settings,
      train: sourceOf(train),
      ...(validation.length > 0 && { validation: sourceOf(validation) }),
      nClasses: plan.labels.length,
      shape: features.shape,
      normalization,
      seed: config.seed,
      checkpointDir: join(input.runDir, runFiles.checkpoints, fold.fold ? `fold-${fold.fold}` : ''),
      resume: input.resume,
      fingerprint: fingerprint(input.configYaml, keysOf(train)),
      log,
      prefix,
      workers: input.trainWorkers,
      runEta,
      ...foldEpochs,
    }),
  );
  const predictions = await timer.time('evaluate', () =>
    predictSource(trained.model, sourceOf(test), test.map((i) => scan.items[i]!.path), settings.batchSize),
  );
  const testMetrics = evaluate(predictions, plan.labels, { topK: config.report.top_k, maxMisclassified: config.report.max_misclassified });
  if (prefix) log.info(`${prefix}test accuracy: ${(testMetrics.accuracy * 100).toFixed(2)}% (${test.length} files)`);
  return {
    result: { fold: fold.fold ?? 1, epochs: trained.epochs, keptEpoch: trained.keptEpoch, test: testMetrics, predictions },
    model: { model: trained.model, normalization, params: trained.params },
    totalEpochs: trained.totalEpochs,
  };
}

/** Config + training data identity, so `--resume` refuses a checkpoint from other data. */
function fingerprint(configYaml: string, trainKeys: readonly string[]): string {
  return createHash('sha256').update(configYaml).update(trainKeys.join('\n')).digest('hex').slice(0, 32);
}
