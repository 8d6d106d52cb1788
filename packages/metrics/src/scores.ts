import { confusionMatrix } from './confusion.js';
import { checkClassIndices, safeDivide } from './validate.js';

/** Precision, recall, F1 and support of one class. */
export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of samples whose true class is this one. */
  support: number;
}

/** Fraction of samples predicted correctly (0 for empty input). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return safeDivide(correct, yTrue.length);
}

/**
 * Per-class precision, recall, F1 and support from a confusion matrix (rows = truth).
 * Zero denominators give 0, as scikit-learn's `zero_division=0`.
 */
export function scoresFromConfusion(matrix: readonly (readonly number[])[]): ClassScores[] {
  const n = matrix.length;
  return matrix.map((row, c) => {
    const truePositives = row[c]!;
    const support = row.reduce((sum, v) => sum + v, 0);
    let predicted = 0;
    for (let t = 0; t < n; t++) predicted += matrix[t]![c]!;
    const precision = safeDivide(truePositives, predicted);
    const recall = safeDivide(truePositives, support);
    const f1 = safeDivide(2 * truePositives, predicted + support);
    return { precision, recall, f1, support };
  });
}

/** Per-class precision / recall / F1 / support. */
export function perClass(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): ClassScores[] {
  return scoresFromConfusion(confusionMatrix(yTrue, yPred, nClasses));
}

/**
 * Balanced accuracy: the mean recall over classes present in `yTrue`
 * (scikit-learn's `balanced_accuracy_score`, which ignores classes with no true samples).
 */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number {
  const present = perClass(yTrue, yPred, nClasses).filter((s) => s.support > 0);
  return safeDivide(present.reduce((sum, s) => sum + s.recall, 0), present.length);
}

/**
 * Which classes a macro average counts: those present in the true labels or the predictions, as
 * scikit-learn's `average='macro'` with its default `labels` (the union of both). A class absent
 * from both has no precision, recall or F1 to speak of; counting it as 0 would punish a test set
 * that happens to lack it.
 */
export function presentClasses(matrix: readonly (readonly number[])[]): boolean[] {
  return matrix.map((row, c) => row.some((v) => v > 0) || matrix.some((r) => r[c]! > 0));
}

/** Unweighted mean of `pick` over the present classes (see `presentClasses`). */
export function macroAverage(scores: readonly ClassScores[], present: readonly boolean[], pick: (s: ClassScores) => number): number {
  let sum = 0;
  let n = 0;
  scores.forEach((s, c) => {
    if (present[c]) (sum += pick(s)), n++;
  });
  return safeDivide(sum, n);
}

/** Unweighted mean F1 over the classes present in `yTrue` or `yPred` (scikit-learn `average='macro'`). */
export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number {
  const matrix = confusionMatrix(yTrue, yPred, nClasses);
  return macroAverage(scoresFromConfusion(matrix), presentClasses(matrix), (s) => s.f1);
}

/** Support-weighted mean F1 (scikit-learn `average='weighted'`). */
export function weightedF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number {
  const scores = perClass(yTrue, yPred, nClasses);
  const total = scores.reduce((sum, s) => sum + s.support, 0);
  return safeDivide(scores.reduce((sum, s) => sum + s.f1 * s.support, 0), total);
}

/**
 * Index of the largest probability in each row of a row-major `n × nClasses` matrix
 * (first index on ties, as numpy's argmax).
 */
export function argmaxRows(probs: ArrayLike<number>, nClasses: number): Int32Array {
  if (probs.length % nClasses !== 0) {
    throw new RangeError(`probs has ${probs.length} values, not a multiple of nClasses = ${nClasses}`);
  }
  const n = probs.length / nClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (probs[i * nClasses + c]! > probs[i * nClasses + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Top-k accuracy: the fraction of samples whose true class is among the `k` highest scores.
 * Ties are broken toward the lower class index (a class counts as in the top k when fewer than
 * k classes score strictly higher or equal with a lower index), deterministic like a stable sort.
 */
export function topKAccuracy(probs: ArrayLike<number>, yTrue: ArrayLike<number>, k: number, nClasses?: number): number {
  const n = yTrue.length;
  if (n === 0) return 0;
  const classes = nClasses ?? probs.length / n;
  if (!Number.isInteger(classes) || classes * n !== probs.length) {
    throw new RangeError(`probs has ${probs.length} values, which is not ${n} samples × nClasses`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  checkClassIndices(yTrue, classes, 'yTrue');
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    const target = probs[i * classes + t]!;
    let ahead = 0;
    for (let c = 0; c < classes; c++) {
      const p = probs[i * classes + c]!;
      if (p > target || (p === target && c < t)) ahead++;
    }
    if (ahead < k) hits++;
  }
  return hits / n;
}

/** One ranked prediction. */
export interface RankedClass {
  index: number;
  score: number;
}

/**
 * The `k` highest-scoring classes of each row of a row-major `n × nClasses` matrix, best first
 * (ties toward the lower class index), e.g. the top-3 shown for misclassified files.
 */
export function topKPredictions(probs: ArrayLike<number>, nClasses: number, k: number): RankedClass[][] {
  if (probs.length % nClasses !== 0) {
    throw new RangeError(`probs has ${probs.length} values, not a multiple of nClasses = ${nClasses}`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const rows: RankedClass[][] = [];
  for (let i = 0; i < probs.length / nClasses; i++) {
    const ranked = Array.from({ length: nClasses }, (_, c) => ({ index: c, score: probs[i * nClasses + c]! }));
    ranked.sort((a, b) => b.score - a.score || a.index - b.index);
    rows.push(ranked.slice(0, k));
  }
  return rows;
}
