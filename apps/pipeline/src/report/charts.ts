import type { TopLevelSpec } from 'vega-lite';
import type { EpochRecord, RunMetrics } from '../run-metrics.js';

/** One layer of a layered chart. */
type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** Fonts the reader already has: the report loads nothing. */
export const SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

const config = {
  font: SYSTEM_FONTS,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600 as const, gridColor: '#e8e8ee' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
};

/** Side of one confusion-matrix cell: roomy for a few classes, never below what a count and a label need. */
export function confusionCellSize(classes: number): number {
  return Math.max(18, Math.min(48, Math.floor(520 / Math.max(1, classes))));
}

/**
 * Heatmap of counts; colour is the row share (recall), so rare classes are as readable as common
 * ones. It grows with the classes (50 ESC-50 classes: 900 px), and empty cells stay white.
 */
export function confusionMatrixChart(labels: string[], matrix: number[][]): TopLevelSpec {
  const values = matrix.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ true: labels[i], predicted: labels[j], count, share: total > 0 ? count / total : 0 }));
  });
  const cell = confusionCellSize(labels.length);
  const size = Math.max(220, labels.length * cell);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size,
    height: size,
    background: 'white',
    padding: 8,
    config,
    data: { values },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: labels,
        title: 'predicted',
        axis: { labelAngle: labels.length > 12 ? -90 : -40, orient: 'top', labelLimit: 160 },
      },
      y: { field: 'true', type: 'nominal', sort: labels, title: 'true label', axis: { labelLimit: 160 } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#eef0f4', strokeWidth: 0.5 },
        encoding: {
          color: {
            condition: { test: 'datum.count === 0', value: 'white' },
            field: 'share',
            type: 'quantitative',
            title: 'row share',
            scale: { scheme: 'blues', domain: [0, 1] },
            legend: { format: '.0%' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: cell < 28 ? 9 : 12 },
        transform: [{ filter: 'datum.count > 0' }],
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#1b1b24' },
        },
      },
    ],
  };
}

interface CurvePoint {
  epoch: number;
  value: number;
  split: 'train' | 'validation';
  fold: number;
}

function curvePoints(epochs: EpochRecord[], metric: 'loss' | 'accuracy', fold: number): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const e of epochs) {
    const train = e[metric];
    const validation = metric === 'loss' ? e.val_loss : e.val_accuracy;
    if (typeof train === 'number' && Number.isFinite(train)) points.push({ epoch: e.epoch, value: train, split: 'train', fold });
    if (typeof validation === 'number' && Number.isFinite(validation)) points.push({ epoch: e.epoch, value: validation, split: 'validation', fold });
  }
  return points;
}

/**
 * Train and validation curves of one metric over epochs. With folds, every fold is drawn
 * (one line per fold and split); otherwise the run's single `epochs`. Undefined when there is
 * nothing to draw.
 */
export function trainingCurveChart(metrics: RunMetrics, metric: 'loss' | 'accuracy'): TopLevelSpec | undefined {
  const folds = metrics.folds?.filter((f) => f.epochs && f.epochs.length > 0) ?? [];
  const values =
    folds.length > 0
      ? folds.flatMap((f) => curvePoints(f.epochs ?? [], metric, f.fold))
      : curvePoints(metrics.epochs ?? [], metric, 1);
  if (values.length === 0) return undefined;
  const multiFold = folds.length > 1;
  const splits = (['train', 'validation'] as const).filter((split) => values.some((v) => v.split === split));
  // An unnormalised first epoch can start 100× above the rest (loss ≈ 40 → 0.1): a log axis keeps
  // the later epochs readable.
  const positive = values.map((v) => v.value).filter((v) => v > 0);
  const logLoss = metric === 'loss' && positive.length === values.length && Math.max(...positive) / Math.min(...positive) > 30;
  const curves: Layer = {
    mark: { type: 'line', point: !multiFold, strokeWidth: 2, ...(multiFold ? { opacity: 0.7 } : {}) },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: logLoss ? 'loss (log scale)' : metric,
        scale: metric === 'accuracy' ? { domain: [0, 1] } : logLoss ? { type: 'log' } : { zero: false },
        ...(metric === 'accuracy' ? { axis: { format: '.0%' } } : {}),
      },
      color: {
        field: 'split',
        type: 'nominal',
        title: null,
        scale: { domain: splits, range: splits.map((split) => (split === 'train' ? '#3b6fd8' : '#e0732b')) },
        legend: { orient: 'bottom' },
      },
      detail: { field: 'fold', type: 'nominal' },
    },
  };
  // Early stopping restored an earlier epoch's weights: mark it (one rule per fold that stopped early).
  const kept = (folds.length > 0 ? folds.map((f) => f.kept_epoch) : [metrics.kept_epoch]).filter((e): e is number => e !== undefined);
  const keptRule: Layer = {
    data: { values: kept.map((epoch) => ({ epoch, note: 'kept' })) },
    mark: { type: 'rule', color: '#5a5a6e', strokeDash: [3, 3], strokeWidth: 1.5 },
    encoding: { x: { field: 'epoch', type: 'quantitative' }, tooltip: { field: 'note', type: 'nominal' } },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${multiFold ? `${metric} (${folds.length} folds)` : metric}${kept.length ? ' · dashed: epoch kept by early stopping' : ''}`,
    width: 420,
    height: 240,
    background: 'white',
    padding: 8,
    config,
    data: { values },
    layer: kept.length ? [curves, keptRule] : [curves],
  };
}

/** Test accuracy per fold, with the mean as a rule. */
export function foldAccuracyChart(metrics: RunMetrics): TopLevelSpec | undefined {
  const values = (metrics.folds ?? []).flatMap((f) => (f.test ? [{ fold: `fold ${f.fold}`, accuracy: f.test.accuracy }] : []));
  if (values.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'test accuracy per fold',
    width: Math.max(200, values.length * 56),
    height: 200,
    background: 'white',
    padding: 8,
    config,
    data: { values },
    layer: [
      {
        mark: { type: 'bar', color: '#3b6fd8', cornerRadiusEnd: 2 },
        encoding: {
          x: { field: 'fold', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0 } },
          y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
        },
      },
      {
        mark: { type: 'rule', color: '#e0732b', strokeWidth: 2, strokeDash: [4, 3] },
        encoding: { y: { aggregate: 'mean', field: 'accuracy', type: 'quantitative', title: 'test accuracy' } },
      },
    ],
  };
}
