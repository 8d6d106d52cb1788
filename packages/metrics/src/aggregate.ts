/** Mean and spread of one metric over cross-validation folds. */
export interface FoldSummary {
  mean: number;
  /** Sample standard deviation (ddof = 1, as pandas/most CV reports); 0 for a single fold. */
  std: number;
  /** Population standard deviation (ddof = 0, numpy's default), for comparison. */
  populationStd: number;
  min: number;
  max: number;
  n: number;
}

/**
 * Aggregates per-fold values as mean ± std. `std` is the sample standard deviation (ddof = 1),
 * the convention of most cross-validation reports (the "14.5% ± 10.9%" is ddof = 1).
 */
export function aggregateFolds(values: readonly number[]): FoldSummary {
  const n = values.length;
  if (n === 0) throw new RangeError('aggregateFolds needs at least one value');
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const squares = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return {
    mean,
    std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
    populationStd: Math.sqrt(squares / n),
    min: Math.min(...values),
    max: Math.max(...values),
    n,
  };
}
