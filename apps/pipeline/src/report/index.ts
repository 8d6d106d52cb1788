import { join } from 'node:path';
import { writeFileAtomic } from '@earshot/model-cnn/atomic-write';
import { confusionMatrixChart, foldAccuracyChart, trainingCurveChart } from './charts.js';
import { renderReportHtml, type ReportCharts } from './html.js';
import { loadRunMetrics, readResolvedConfig, type RunMetrics } from '../run-metrics.js';
import { misclassifiedClips } from './clips.js';
import { renderSvg } from './render-svg.js';

export { confusionMatrixChart, foldAccuracyChart, trainingCurveChart } from './charts.js';
export { renderReportHtml, escapeHtml } from './html.js';
export type { ReportCharts, ReportContent } from './html.js';
export { loadRunMetrics, parseRunMetrics, readResolvedConfig, runMetricsSchema } from '../run-metrics.js';
export type { EpochRecord, RunMetrics, TestMetrics } from '../run-metrics.js';
export { renderSvg } from './render-svg.js';

/** Renders every chart the metrics allow, as inline SVG. */
export async function renderCharts(metrics: RunMetrics): Promise<ReportCharts> {
  const specs = {
    confusionMatrix: metrics.test ? confusionMatrixChart(metrics.labels, metrics.test.confusion_matrix) : undefined,
    loss: trainingCurveChart(metrics, 'loss'),
    accuracy: trainingCurveChart(metrics, 'accuracy'),
    foldAccuracy: foldAccuracyChart(metrics),
  };
  const charts: ReportCharts = {};
  for (const [key, spec] of Object.entries(specs) as [keyof ReportCharts, (typeof specs)[keyof ReportCharts]][]) {
    if (spec) charts[key] = await renderSvg(spec, `earshot-${key}`);
  }
  return charts;
}

/**
 * Reads `runDir/metrics.json` (and `config.resolved.yaml` when present), writes the
 * self-contained `runDir/report.html` and returns its path.
 */
export async function writeReport(runDir: string): Promise<string> {
  const metrics = await loadRunMetrics(runDir);
  const config = await readResolvedConfig(runDir);
  const html = renderReportHtml({ metrics, config, charts: await renderCharts(metrics), clips: await misclassifiedClips(metrics.test) });
  const file = join(runDir, 'report.html');
  await writeFileAtomic(file, html); // a reader never sees half a report
  return file;
}
