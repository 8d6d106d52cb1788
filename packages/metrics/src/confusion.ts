import { checkLabels } from './validate.js';

/**
 * Confusion matrix `C[t][p]`: the number of samples of true class `t` predicted as `p`
 * (rows = truth, columns = prediction, as scikit-learn's `confusion_matrix`).
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
): number[][] {
  checkLabels(yTrue, yPred, nClasses);
  const matrix = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) matrix[yTrue[i]!]![yPred[i]!]! += 1;
  return matrix;
}
