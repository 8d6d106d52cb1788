/** Throws a clear error when label arrays disagree in length or hold out-of-range classes. */
export function checkLabels(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): void {
  if (!Number.isInteger(nClasses) || nClasses < 1) {
    throw new RangeError(`nClasses must be a positive integer, got ${nClasses}`);
  }
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  checkClassIndices(yTrue, nClasses, 'yTrue');
  checkClassIndices(yPred, nClasses, 'yPred');
}

export function checkClassIndices(labels: ArrayLike<number>, nClasses: number, name: string): void {
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= nClasses) {
      throw new RangeError(`${name}[${i}] = ${c} is not a class index in [0, ${nClasses})`);
    }
  }
}

/** scikit-learn's zero_division=0 convention: a ratio with an empty denominator is 0. */
export function safeDivide(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
