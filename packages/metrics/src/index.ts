/**
 * Pure classification metrics (no tfjs, no Node APIs). Zero-division follows scikit-learn's
 * `zero_division=0`: a precision/recall/F1 whose denominator is empty is 0.
 */
export { confusionMatrix } from './confusion.js';
export {
  accuracy,
  argmaxRows,
  balancedAccuracy,
  macroF1,
  perClass,
  scoresFromConfusion,
  topKAccuracy,
  topKPredictions,
  weightedF1,
  type ClassScores,
  type RankedClass,
} from './scores.js';
export { aggregateFolds, type FoldSummary } from './aggregate.js';
export { classificationReport, type ClassificationReport, type ClassificationReportInput } from './report.js';
