import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, platform, arch } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { aggregateFolds } from '@earshot/metrics';
import { saveModel, type Preprocess } from '@earshot/model-cnn';
import { initBackend } from '@earshot/tf-runtime';
import { FeatureCache, UnreadableEntryError } from '../cache/index.js';
import {
  decodeOptions,
  featureOptions,
  modelSpec,
  toYaml,
  trainSettings,
  trainWorkers,
  type ExperimentConfig,
} from '../config/index.js';
import { FEATURE_CODE_VERSION } from '../features/extract.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { createRunDir, runFiles } from '../run-dir.js';
import { evaluate, poolPredictions, predictSource, type Predictions, type TestMetrics } from './evaluate.js';
import { FileFailedError, featuresStage, type FeatureJob, type SkippedFile } from './features.js';

/** Times a fold is redone after recomputing entries found unreadable, before the run gives up. */
const MAX_REPAIRS = 2;
import { scanReport, scanStage } from './scan.js';
import { firstFoldManifest, manifestCsv, planSplits } from './split.js';
import { makeSource, resolveTrainWorkers, trainStage, trainStatistics, type EpochRecord, type Standardization } from './train.js';

export const EARSHOT_VERSION = '0.1.0';

export interface RunOptions {
  log: Logger;
  /** Continue this run directory from its last checkpoint. */
  resume?: string;
}

type Timings = Record<'scan' | 'features' | 'train' | 'evaluate' | 'report' | 'total', number>;

/** Thrown when `--resume` points at a run whose config differs from this one. */
export class ResumeMismatchError extends UsageError {}

/**
 * scan → decode + resample + fixed length → features (cache) → train → evaluate → report.
 * Returns the run directory.
 */
export async function runExperiment(config: ExperimentConfig, opts: RunOptions): Promise<string> {
  const { log } = opts;
  const started = performance.now();
  const timings: Timings = { scan: 0, features: 0, train: 0, evaluate: 0, report: 0, total: 0 };
  const timed = async <T>(stage: keyof Timings, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[stage] += (performance.now() - t0) / 1000;
    }
  };

  const backend = await initBackend({ backend: config.runtime.backend });
  log.info(`backend: ${backend.backend} (${backend.reason})`);
  const parallel = resolveTrainWorkers(trainWorkers(config), backend.backend);
  log.info(`training workers: ${parallel.workers} (${parallel.reason})`);

  const configYaml = toYaml(config);
  const runDir = opts.resume ? resolve(opts.resume) : await createRunDir(config.output.dir, config.name);
  if (opts.resume) {
    const previous = await readFile(join(runDir, runFiles.config), 'utf8').catch(() => {
      throw new ResumeMismatchError(`--resume ${opts.resume}: no ${runFiles.config} there; not a run directory`);
    });
    if (previous !== configYaml) {
      throw new ResumeMismatchError(`--resume ${opts.resume}: the experiment config differs from that run's ${runFiles.config}; refusing to resume`);
    }
  }
  await writeFile(join(runDir, runFiles.config), configYaml);

  // scan, split, scan report (it flags duplicate files across splits)
  const scan = await timed('scan', () => scanStage(config, log));
  const plan = planSplits(scan.items, config);
  const labels = plan.labels;
  const report = scanReport(scan, firstFoldManifest(scan.items, plan));
  await writeFile(join(runDir, runFiles.scanReport), report.text);
  await writeFile(join(runDir, runFiles.scanReportJson), `${JSON.stringify(report.json, null, 2)}\n`);
  log.info(report.text.trimEnd());
  reportSkipped(scan.skipped, config, log);

  // features
  const decode = decodeOptions(config);
  const features = featureOptions(config);
  const trainRole = plan.folds.length === 1 ? new Set(plan.folds[0]!.train) : new Set<number>();
  const hashes = scan.contentHashes();
  const jobs: FeatureJob[] = scan.items.map((item, i) => ({
    path: item.path,
    ...(hashes.has(item.path) && { audioHash: hashes.get(item.path)! }),
    // Random crops are for training clips only; k-fold CV uses every clip for testing once, so it crops centred.
    crop: decode.crop === 'random' ? (trainRole.has(i) ? 'random' : 'center') : decode.crop,
  }));
  const cache = FeatureCache.open(config.cache.dir);
  try {
    const extractFeatures = () =>
      timed('features', () =>
        featuresStage(jobs, {
          decode,
          features,
          seed: config.seed,
          cache,
          workers: config.runtime.workers,
          log,
          failFast: config.dataset.on_error === 'fail',
        }),
      );
    let feats = await extractFeatures();
    log.info(`features: ${feats.cached} cached, ${feats.computed} computed (${feats.shape[0]} × ${feats.shape[1]})`);
    await cache.recordRun({ hits: feats.cached, misses: feats.computed, experiment: config.name });
    reportSkipped(feats.failed, config, log);
    const skipped = [...scan.skipped, ...feats.failed];
    const usable = (indices: number[]) => indices.filter((i) => feats.keys[i] !== undefined);
    await writeFile(join(runDir, runFiles.splitManifest), manifestCsv(scan.items, plan, feats.keys));

    // train + evaluate, per fold
    const settings = trainSettings(config);
    const spec = modelSpec(config);
    const sourceOf = (indices: number[], norm: Standardization | null) =>
      makeSource(
        cache,
        { keys: indices.map((i) => feats.keys[i]!), labels: Int32Array.from(indices, (i) => plan.labelIndex[i]!) },
        feats.shape,
        norm,
        settings.inMemory,
      );
    const foldResults: { fold: number; epochs: EpochRecord[]; test: TestMetrics; predictions: Predictions }[] = [];
    let saved: { model: tf.LayersModel; norm: Standardization | null; params: number } | undefined;
    let params = 0;
    for (const fold of plan.folds) {
      for (let repairs = 0; ; repairs++) {
        try {
          const train = usable(fold.train);
          const validation = usable(fold.validation);
          const test = usable(fold.test);
          if (train.length === 0 || test.length === 0) throw new Error(`split${fold.fold ? ` fold ${fold.fold}` : ''}: empty train or test set`);
          const prefix = plan.folds.length > 1 ? `fold ${fold.fold}: ` : '';
          log.info(`${prefix || 'split: '}train ${train.length}, validation ${validation.length}, test ${test.length}`);
          const norm = config.features.normalize === 'standardize' ? trainStatistics(cache, train.map((i) => feats.keys[i]!)) : null;
          const trained = await timed('train', () =>
            trainStage({
              spec,
              settings,
              train: sourceOf(train, norm),
              ...(validation.length > 0 && { validation: sourceOf(validation, norm) }),
              nClasses: labels.length,
              shape: feats.shape,
              seed: config.seed,
              checkpointDir: join(runDir, runFiles.checkpoints, fold.fold ? `fold-${fold.fold}` : ''),
              resume: Boolean(opts.resume),
              fingerprint: fingerprint(configYaml, train.map((i) => feats.keys[i]!)),
              log,
              prefix,
              workers: parallel.workers,
            }),
          );
          params = trained.params;
          const predictions = await timed('evaluate', () =>
            predictSource(trained.model, sourceOf(test, norm), test.map((i) => scan.items[i]!.path), settings.batchSize),
          );
          const testMetrics = evaluate(predictions, labels, { topK: config.report.top_k, maxMisclassified: config.report.max_misclassified });
          if (prefix) log.info(`${prefix}test accuracy: ${(testMetrics.accuracy * 100).toFixed(2)}% (${test.length} files)`);
          foldResults.push({ fold: fold.fold ?? 1, epochs: trained.epochs, test: testMetrics, predictions });
          if (!saved) saved = { model: trained.model, norm, params: trained.params };
          else trained.model.dispose();
          break;
        } catch (error) {
          // A tensor found corrupt (and removed) when read: compute it again, then redo this fold.
          if (!(error instanceof UnreadableEntryError) || repairs >= MAX_REPAIRS) throw error;
          log.warn(`${error.message}; recomputing, then redoing ${plan.folds.length > 1 ? `fold ${fold.fold}` : 'training'}`);
          await cache.flush(); // the removal of what was found corrupt is committed first
          const repaired = await extractFeatures();
          feats = { ...repaired, cached: feats.cached - repaired.computed, computed: feats.computed + repaired.computed };
        }
      }
    }

    // the first (or only) fold's model is the run's model
    const preprocess: Preprocess = {
      formatVersion: 1,
      labels,
      inputShape: feats.shape,
      audio: { sr: decode.sr, mono: true, duration: config.audio.duration, pad: decode.pad, crop: decode.crop },
      features: {
        kind: 'melspectrogram',
        nFft: features.nFft,
        hopLength: features.hopLength,
        winLength: features.winLength,
        window: 'hann',
        center: true,
        padMode: 'constant',
        power: features.power,
        nMels: features.nMels,
        fmin: features.fmin,
        fmax: features.fmax,
        htk: features.htk,
        norm: 'slaney',
        db: features.db.kind === 'none' ? null : { ref: features.db.ref, amin: features.db.amin, topDb: features.db.topDb },
      },
      normalization: saved!.norm
        ? { kind: 'standardize', scope: 'global', mean: [saved!.norm.mean], std: [saved!.norm.std] }
        : { kind: 'none' },
      extra: { dbKind: features.db.kind, featureCodeVersion: FEATURE_CODE_VERSION, experiment: config.name },
    };
    await mkdir(join(runDir, runFiles.model), { recursive: true });
    await saveModel(saved!.model, join(runDir, runFiles.model), preprocess);

    const cv = plan.folds.length > 1;
    const pooled = cv ? evaluate(poolPredictions(foldResults.map((f) => f.predictions)), labels, { topK: config.report.top_k, maxMisclassified: config.report.max_misclassified }) : foldResults[0]!.test;
    const metrics: Record<string, unknown> = {
      name: config.name,
      seed: config.seed,
      created: new Date().toISOString(),
      labels,
      backend: { name: backend.backend, reason: backend.reason, train_workers: parallel.workers, train_workers_reason: parallel.reason },
      environment: {
        node: process.version,
        tfjs: tf.version.tfjs,
        earshot: EARSHOT_VERSION,
        platform: `${platform()}-${arch()}`,
        cpus: availableParallelism(),
      },
      timings,
      dataset: {
        root: scan.root,
        files: scan.items.length + scan.skipped.length,
        skipped,
        split: {
          train: usable(plan.folds[0]!.train).length,
          validation: usable(plan.folds[0]!.validation).length,
          test: usable(plan.folds[0]!.test).length,
        },
      },
      features: { cached: feats.cached, computed: feats.computed, shape: feats.shape },
      model: { name: spec.name, params },
      epochs: foldResults[0]!.epochs,
      test: pooled,
    };
    if (cv) {
      metrics.folds = foldResults.map((f) => ({ fold: f.fold, epochs: f.epochs, test: f.test }));
      const summary = (pick: (t: TestMetrics) => number) => {
        const s = aggregateFolds(foldResults.map((f) => pick(f.test)));
        return { mean: s.mean, std: s.std };
      };
      metrics.cv = {
        accuracy: summary((t) => t.accuracy),
        balanced_accuracy: summary((t) => t.balanced_accuracy),
        macro_f1: summary((t) => t.macro_f1),
      };
      const acc = metrics.cv as { accuracy: { mean: number; std: number } };
      log.info(`cross-validation accuracy: ${(acc.accuracy.mean * 100).toFixed(2)}% ± ${(acc.accuracy.std * 100).toFixed(2)}% over ${foldResults.length} folds`);
    }
    const writeMetrics = () => writeFile(join(runDir, runFiles.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
    await writeMetrics();

    await timed('report', async () => {
      try {
        const { writeReport } = await import('../report/index.js');
        await writeReport(runDir);
      } catch (err) {
        log.warn(`report: not written (${(err as Error).message})`);
      }
    });
    timings.total = (performance.now() - started) / 1000;
    await writeMetrics();
    log.info(`test accuracy: ${(pooled.accuracy * 100).toFixed(2)}%${cv ? ' (pooled over the folds)' : ''}`);
    saved!.model.dispose();
    return runDir;
  } finally {
    await cache.close();
  }
}

/** Config + training data identity, so `--resume` refuses a checkpoint from other data. */
function fingerprint(configYaml: string, trainKeys: readonly string[]): string {
  return createHash('sha256').update(configYaml).update(trainKeys.join('\n')).digest('hex').slice(0, 32);
}

function reportSkipped(skipped: readonly SkippedFile[], config: ExperimentConfig, log: Logger): void {
  if (skipped.length === 0) return;
  if (config.dataset.on_error === 'fail') throw new FileFailedError(skipped[0]!);
  for (const file of skipped) log.warn(`skipped ${file.path}: ${file.reason}`);
}
