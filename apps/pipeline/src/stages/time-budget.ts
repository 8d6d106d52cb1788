/**
 * `train.time_budget`: the epochs per fold that fit the run's wall-time budget, decided once from
 * the first epoch of the first fold, timed at its steady pace (without its first batches' warm-up).
 */

/**
 * Margin on each epoch for what the epoch time leaves out: checkpoint writes, each fold's model
 * build and test evaluation, the model and report at the end.
 */
export const EPOCH_OVERHEAD = 1.05;

export interface BudgetFacts {
  /** The budget, seconds. */
  budgetSeconds: number;
  /** Wall seconds since the command started (start-up, scan, features, epoch 1 of the first fold included). */
  elapsedSeconds: number;
  /** An epoch's seconds (training + validation) at the steady pace the first epoch reached. */
  epochSeconds: number;
  /**
   * Seconds the first fold spent beyond its first epoch's steady pace (normalisation statistics,
   * model build, training workers' start-up, the first batches' warm-up); every later fold pays it again.
   */
  foldSetupSeconds: number;
  folds: number;
  /** train.epochs: the most a fold trains. */
  maxEpochs: number;
}

/**
 * With n epochs per fold the run still needs folds·n − 1 epochs (epoch 1 of fold 1 is done and
 * counted in elapsed), each taking ≈ EPOCH_OVERHEAD · t (t = epochSeconds), plus the set-up of
 * the folds − 1 later folds. The largest n with
 *   (folds·n − 1) · EPOCH_OVERHEAD · t ≤ remaining = budget − elapsed − (folds − 1) · setup
 * is n = floor((remaining / (EPOCH_OVERHEAD · t) + 1) / folds), clamped to 1..maxEpochs (a fold
 * trains at least one epoch). `fits` is false when the clamp to 1 overrode the budget.
 */
export function budgetEpochs(f: BudgetFacts): { epochs: number; fits: boolean } {
  const remaining = f.budgetSeconds - f.elapsedSeconds - (f.folds - 1) * f.foldSetupSeconds;
  const perEpoch = EPOCH_OVERHEAD * Math.max(f.epochSeconds, 1e-6);
  const n = Math.floor((remaining / perEpoch + 1) / f.folds);
  return { epochs: Math.min(f.maxEpochs, Math.max(1, n)), fits: n >= 1 };
}

/**
 * The run's line, e.g. `time budget 90m: an epoch takes 25.1 s once warmed up (92.0 s into the run), so 5 folds × 41 epochs fit (train.epochs: 60)`,
 * or, when not even one epoch per fold fits, `…, so not even 1 epoch per fold fits: training 1 (train.epochs: 60)`.
 */
export function describeBudget(text: string, f: BudgetFacts, fit: { epochs: number; fits: boolean }): string {
  const took = `time budget ${text}: an epoch takes ${f.epochSeconds.toFixed(1)} s once warmed up (${f.elapsedSeconds.toFixed(1)} s into the run)`;
  const limit = `(train.epochs: ${f.maxEpochs})`;
  const per = f.folds > 1 ? ' per fold' : '';
  if (!fit.fits) return `${took}, so not even 1 epoch${per} fits: training 1 ${limit}`;
  const plural = fit.epochs === 1 ? 'epoch' : 'epochs';
  return `${took}, so ${f.folds > 1 ? `${f.folds} folds × ` : ''}${fit.epochs} ${plural} fit ${limit}`;
}
