import { confusionMatrix } from './confusion.js';
import { accuracy, argmaxRows, macroAverage, presentClasses, scoresFromConfusion, topKAccuracy, type ClassScores } from './scores.js';
import { safeDivide } from './validate.js';

/** Everything a run reports about one set of predictions. */
export interface ClassificationReport {
  labels: string[];
  n: number;
  accuracy: number;
  balancedAccuracy: number;
  /** Macro averages are over the classes present in the truth or the predictions (`macroClasses`). */
  macroF1: number;
  weightedF1: number;
  macroPrecision: number;
  macroRecall: number;
  /** How many classes the macro averages count: those present in the true labels or predictions. */
  macroClasses: number;
  /** Rows = true class, columns = predicted class. */
  confusion: number[][];
  perClass: (ClassScores & { label: string })[];
  /** Top-k accuracy for each requested k; present only when probabilities were given. */
  topK?: Record<number, number>;
}

export interface ClassificationReportInput {
  yTrue: ArrayLike<number>;
  /** Predicted classes; derived by argmax from `probs` when omitted. */
  yPred?: ArrayLike<number>;
  /** Row-major `n × labels.length` scores (probabilities); enables top-k accuracy. */
  probs?: ArrayLike<number>;
  labels: readonly string[];
  /** Values of k for top-k accuracy; default [1, 3] limited to the number of classes. */
  topK?: readonly number[];
}

/** Bundles accuracy, balanced accuracy, per-class scores, macro/weighted F1, confusion and top-k. */
export function classificationReport(input: ClassificationReportInput): ClassificationReport {
  const labels = [...input.labels];
  const nClasses = labels.length;
  const yPred = input.yPred ?? (input.probs ? argmaxRows(input.probs, nClasses) : undefined);
  if (!yPred) throw new TypeError('classificationReport needs yPred or probs');
  const confusion = confusionMatrix(input.yTrue, yPred, nClasses);
  const scores = scoresFromConfusion(confusion);
  const n = input.yTrue.length;
  const counted = presentClasses(confusion);
  const mean = (pick: (s: ClassScores) => number) => macroAverage(scores, counted, pick);
  const present = scores.filter((s) => s.support > 0);
  const report: ClassificationReport = {
    labels,
    n,
    accuracy: accuracy(input.yTrue, yPred),
    balancedAccuracy: safeDivide(present.reduce((s, c) => s + c.recall, 0), present.length),
    macroF1: mean((s) => s.f1),
    weightedF1: safeDivide(scores.reduce((s, c) => s + c.f1 * c.support, 0), n),
    macroPrecision: mean((s) => s.precision),
    macroRecall: mean((s) => s.recall),
    macroClasses: counted.filter(Boolean).length,
    confusion,
    perClass: scores.map((s, c) => ({ label: labels[c]!, ...s })),
  };
  if (input.probs) {
    const ks = (input.topK ?? [1, 3]).filter((k) => k <= nClasses);
    report.topK = Object.fromEntries(ks.map((k) => [k, topKAccuracy(input.probs!, input.yTrue, k, nClasses)]));
  }
  return report;
}
