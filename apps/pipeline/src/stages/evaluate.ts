import { topLabels } from '@earshot/classifier';
import type * as tf from '@tensorflow/tfjs';
import { classificationReport } from '@earshot/metrics';
import { predict } from '@earshot/trainer';
import type { BatchSource } from '@earshot/feature-cache';
import type { TestMetrics } from '../run-metrics.js';

export interface Predictions {
  /** Row-major n × nClasses probabilities. */
  probs: Float32Array;
  yTrue: Int32Array;
  paths: string[];
}

export async function predictSource(model: tf.LayersModel, source: BatchSource, paths: string[], batchSize: number): Promise<Predictions> {
  const probs = await predict(model, source, batchSize);
  return { probs, yTrue: source.labels, paths };
}

/** Concatenates predictions (k-fold CV pools every fold's test set). */
export function poolPredictions(parts: readonly Predictions[]): Predictions {
  const n = parts.reduce((s, p) => s + p.yTrue.length, 0);
  const width = parts.length && parts[0]!.yTrue.length ? parts[0]!.probs.length / parts[0]!.yTrue.length : 0;
  const probs = new Float32Array(n * width);
  const yTrue = new Int32Array(n);
  const paths: string[] = [];
  let at = 0;
  for (const p of parts) {
    probs.set(p.probs, at * width);
    yTrue.set(p.yTrue, at);
    paths.push(...p.paths);
    at += p.yTrue.length;
  }
  return { probs, yTrue, paths };
}

export function evaluate(pred: Predictions, labels: readonly string[], opts: { topK: number; maxMisclassified: number }): TestMetrics {
  const nClasses = labels.length;
  const ks = [...new Set([1, Math.min(opts.topK, nClasses)])];
  const report = classificationReport({ yTrue: pred.yTrue, probs: pred.probs, labels, topK: ks });
  const misclassified: TestMetrics['misclassified'] = [];
  for (let i = 0; i < pred.yTrue.length && misclassified.length < opts.maxMisclassified; i++) {
    const row = pred.probs.subarray(i * nClasses, (i + 1) * nClasses);
    const top = topLabels(row, labels, Math.min(3, nClasses));
    if (top[0]!.label !== labels[pred.yTrue[i]!]) {
      misclassified.push({ path: pred.paths[i]!, label: labels[pred.yTrue[i]!]!, predicted: top[0]!.label, top });
    }
  }
  return {
    accuracy: report.accuracy,
    balanced_accuracy: report.balancedAccuracy,
    macro_f1: report.macroF1,
    macro_classes: report.macroClasses,
    weighted_f1: report.weightedF1,
    top_k: Object.fromEntries(Object.entries(report.topK ?? {}).map(([k, v]) => [String(k), v])),
    per_class: report.perClass.map((c) => ({ label: c.label, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
    confusion_matrix: report.confusion,
    misclassified,
  };
}
