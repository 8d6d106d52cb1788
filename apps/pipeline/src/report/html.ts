import { SYSTEM_FONTS } from './charts.js';
import type { RunMetrics, TestMetrics } from '../run-metrics.js';

export interface ReportCharts {
  confusionMatrix?: string;
  loss?: string;
  accuracy?: string;
  foldAccuracy?: string;
}

export interface ReportContent {
  /** Misclassified file path → a small `data:audio/wav` URI to play it from the report. */
  clips?: ReadonlyMap<string, string>;
  metrics: RunMetrics;
  /** config.resolved.yaml as written by the run. */
  config?: string;
  /** Inline SVG markup per chart. */
  charts: ReportCharts;
}

/** Misclassified rows beyond this are summarised, so a bad run's report stays light. */
const MAX_MISCLASSIFIED = 200;
const MAX_SKIPPED = 50;

export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const percent = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(digits)}%`);
const fixed = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const seconds = (x: number) => (x >= 60 ? `${Math.floor(x / 60)} min ${(x % 60).toFixed(0)} s` : `${x.toFixed(x < 10 ? 2 : 1)} s`);

function table(head: string[], rows: string[][], numericFrom = 1): string {
  const cell = (tag: 'th' | 'td', value: string, i: number) => `<${tag}${i >= numericFrom ? ' class="num"' : ''}>${value}</${tag}>`;
  return `<table><thead><tr>${head.map((h, i) => cell('th', escapeHtml(h), i)).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function figure(svg: string | undefined, caption: string): string {
  return svg ? `<figure>${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>` : '';
}

const testFiles = (test: TestMetrics) => test.confusion_matrix.flat().reduce((a, b) => a + b, 0);

function headline(test: TestMetrics | undefined, classes: number): string {
  if (!test) return '<p class="muted">No test results in metrics.json.</p>';
  // Top-1 is the accuracy, and top-k with k ≥ the classes is 100% by construction: neither says anything.
  const topK = Object.entries(test.top_k ?? {}).filter(([k]) => Number(k) > 1 && Number(k) < classes);
  const cards: [string, string][] = [
    ['accuracy', percent(test.accuracy)],
    ['balanced accuracy', percent(test.balanced_accuracy)],
    ['macro F1', fixed(test.macro_f1)],
    ['weighted F1', fixed(test.weighted_f1)],
    ...topK.map(([k, v]): [string, string] => [`top-${k} accuracy`, percent(v)]),
  ];
  return `<div class="cards">${cards
    .map(([name, value]) => `<div class="card"><div class="value">${escapeHtml(value)}</div><div class="name">${escapeHtml(name)}</div></div>`)
    .join('')}</div>`;
}

function perClassTable(test: TestMetrics | undefined): string {
  if (!test?.per_class?.length) return '';
  return table(
    ['class', 'precision', 'recall', 'F1', 'support'],
    test.per_class.map((c) => [escapeHtml(c.label), fixed(c.precision), fixed(c.recall), fixed(c.f1), String(c.support)]),
  );
}

/** Paths under the dataset root are shown relative to it: shorter, and the class folder stays visible. */
function displayPath(path: string, root: string | undefined): string {
  if (!root) return path;
  const prefix = root.endsWith('/') || root.endsWith('\\') ? root : `${root}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function misclassifiedSection(test: TestMetrics | undefined, root: string | undefined, clips: ReadonlyMap<string, string>): string {
  const wrong = test?.misclassified;
  if (!wrong) return '';
  if (wrong.length === 0) return '<section><h2>Misclassified files</h2><p>None: every test file was classified correctly.</p></section>';
  const rows = wrong.slice(0, MAX_MISCLASSIFIED).map((m) => [
    `<code title="${escapeHtml(m.path)}">${escapeHtml(displayPath(m.path, root))}</code>${
      clips.has(m.path) ? `<br><audio controls preload="none" src="${clips.get(m.path)!}" aria-label="play ${escapeHtml(displayPath(m.path, root))}"></audio>` : ''
    }`,
    escapeHtml(m.label),
    escapeHtml(m.predicted),
    (m.top ?? [])
      .slice(0, 3)
      .map((t) => `<span class="pred${t.label === m.label ? ' truth' : ''}">${escapeHtml(t.label)} ${percent(t.p, 0)}</span>`)
      .join(' '),
  ]);
  const more = wrong.length > MAX_MISCLASSIFIED ? `<p class="muted">…and ${wrong.length - MAX_MISCLASSIFIED} more (see metrics.json).</p>` : '';
  const under = root ? `<p class="muted">Paths relative to <code>${escapeHtml(root)}</code>.</p>` : '';
  return `<section><h2>Misclassified files <span class="count">${wrong.length}</span></h2>${under}${table(
    ['file', 'true', 'predicted', 'top-3 predictions'],
    rows,
    99,
  )}${more}</section>`;
}

function foldsSection(metrics: RunMetrics, charts: ReportCharts): string {
  if (!metrics.folds?.length) return '';
  const rows = metrics.folds.map((f) => [
    String(f.fold),
    percent(f.test?.accuracy),
    percent(f.test?.balanced_accuracy),
    fixed(f.test?.macro_f1),
    `${f.epochs.length}${f.kept_epoch !== undefined ? ` (kept ${f.kept_epoch})` : ''}`,
  ]);
  const aggregate = Object.entries(metrics.cv ?? {}).map(([key, { mean, std }]) => {
    const isRate = key.includes('accuracy');
    const show = (x: number) => (isRate ? percent(x) : fixed(x));
    return `<div class="card"><div class="value">${show(mean)} <span class="pm">± ${show(std)}</span></div><div class="name">${escapeHtml(key.replaceAll('_', ' '))} (mean ± std)</div></div>`;
  });
  return `<section><h2>Cross-validation: ${metrics.folds.length} folds</h2>
<p class="muted">Top-level test results and the confusion matrix pool the test predictions of all folds; the curves show every fold.</p>
${aggregate.length ? `<div class="cards">${aggregate.join('')}</div>` : ''}
<div class="row">${table(['fold', 'accuracy', 'balanced accuracy', 'macro F1', 'epochs'], rows)}${figure(charts.foldAccuracy, 'Test accuracy per fold; dashed line: mean.')}</div></section>`;
}

function keyValueTable(entries: [string, string][]): string {
  return `<table class="kv"><tbody>${entries.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

/**
 * The report is written before the run's `report` and `total` timings are known, so metrics.json
 * may still hold 0 for them: show the stages so far instead of a misleading 0 s.
 */
function timingRows(timings: Record<string, number>): [string, string][] {
  const rows: [string, string][] = [];
  let sum = 0;
  for (const [key, value] of Object.entries(timings)) {
    if (key === 'total') continue;
    if (key === 'report' && value === 0) continue;
    sum += value;
    rows.push([key, seconds(value)]);
  }
  if (timings.total) rows.push(['total', seconds(timings.total)]);
  else if (rows.length > 0) rows.push(['total so far', seconds(sum)]);
  return rows;
}

function environmentSection(metrics: RunMetrics): string {
  const run: [string, string][] = [];
  if (metrics.name) run.push(['name', escapeHtml(metrics.name)]);
  if (metrics.seed !== undefined) run.push(['seed', escapeHtml(metrics.seed)]);
  if (metrics.created) run.push(['created', escapeHtml(metrics.created)]);
  if (metrics.backend) {
    run.push(['backend', `<strong>${escapeHtml(metrics.backend.name)}</strong>${metrics.backend.reason ? ` <span class="muted">(${escapeHtml(metrics.backend.reason)})</span>` : ''}`]);
  }
  if (metrics.model) run.push(['model', `${escapeHtml(metrics.model.name)}${metrics.model.params !== undefined ? `, ${metrics.model.params.toLocaleString('en-US')} parameters` : ''}`]);
  for (const [key, value] of Object.entries(metrics.environment ?? {})) run.push([key, escapeHtml(value ?? '–')]);

  const data: [string, string][] = [];
  const ds = metrics.dataset;
  if (ds?.root) data.push(['root', `<code>${escapeHtml(ds.root)}</code>`]);
  if (ds?.files !== undefined) data.push(['files', String(ds.files)]);
  if (ds?.split) data.push(['split', escapeHtml(Object.entries(ds.split).map(([k, v]) => `${k} ${v}`).join(' · '))]);
  if (metrics.features) {
    const f = metrics.features;
    data.push(['features', escapeHtml(`${f.cached ?? 0} cached, ${f.computed ?? 0} computed${f.shape ? `, shape ${f.shape.join(' × ')}` : ''}`)]);
  }
  if (ds?.skipped?.length) data.push(['skipped', `${ds.skipped.length} file(s)`]);

  const timings = timingRows(metrics.timings ?? {});
  const skipped = ds?.skipped?.length
    ? `<details><summary>${ds.skipped.length} skipped file(s)</summary>${table(
        ['file', 'reason'],
        ds.skipped.slice(0, MAX_SKIPPED).map((s) => [`<code>${escapeHtml(s.path)}</code>`, escapeHtml(s.reason)]),
        99,
      )}</details>`
    : '';
  return `<section><h2>Run and environment</h2><div class="row">
<div><h3>Run</h3>${keyValueTable(run)}</div>
<div><h3>Data</h3>${keyValueTable(data)}${skipped}</div>
${timings.length ? `<div><h3>Timings</h3>${keyValueTable(timings)}</div>` : ''}
</div></section>`;
}

const CSS = `
:root { color-scheme: light; --ink: #1b1b24; --muted: #62637a; --line: #e3e3ea; --accent: #3b6fd8; --soft: #f5f6fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 ${SYSTEM_FONTS}; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 64px; }
header { border-bottom: 1px solid var(--line); margin-bottom: 8px; padding-bottom: 12px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
.muted { color: var(--muted); }
.count { font-size: 13px; background: var(--soft); border-radius: 10px; padding: 1px 8px; color: var(--muted); vertical-align: middle; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: var(--soft); border-radius: 8px; padding: 10px 16px; min-width: 140px; }
.card .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .pm { font-size: 15px; font-weight: 500; color: var(--muted); }
.card .name { color: var(--muted); font-size: 12px; }
.row { display: flex; flex-wrap: wrap; gap: 28px; align-items: flex-start; }
.row > * { flex: 0 1 auto; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px 5px 0; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
td.num, th.num { text-align: right; padding-left: 12px; }
table.kv th { font-weight: 500; color: var(--muted); padding-right: 16px; white-space: nowrap; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
.pred { display: inline-block; background: var(--soft); border-radius: 4px; padding: 0 6px; margin: 1px 2px 1px 0; white-space: nowrap; }
.pred.truth { background: #e3f1e6; }
audio { height: 28px; margin-top: 4px; max-width: 260px; }
pre { background: var(--soft); border-radius: 8px; padding: 12px 16px; overflow: auto; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details summary { cursor: pointer; color: var(--muted); margin: 8px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/** The whole report as one self-contained HTML document: inline CSS, SVG and audio, no scripts, no URLs. */
export function renderReportHtml({ metrics, config, charts, clips = new Map() }: ReportContent): string {
  const test = metrics.test;
  const title = `earshot report: ${metrics.name ?? 'run'}`;
  const subtitle = [
    metrics.created,
    metrics.model?.name,
    metrics.backend ? `backend ${metrics.backend.name}` : undefined,
    metrics.labels.length ? `${metrics.labels.length} classes` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const curves = [figure(charts.loss, 'Loss per epoch.'), figure(charts.accuracy, 'Accuracy per epoch.')].join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; media-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body><main>
<header><h1>${escapeHtml(title)}</h1><div class="muted">${escapeHtml(subtitle)}</div></header>
<section><h2>Test results${test ? ` <span class="count">${testFiles(test)} files</span>` : ''}</h2>${headline(test, metrics.labels.length)}
<div class="row">${figure(charts.confusionMatrix, 'Confusion matrix: rows are true labels, columns predictions; colour is the share of the row.')}
<div>${perClassTable(test)}</div></div></section>
${curves ? `<section><h2>Training</h2><div class="row">${curves}</div></section>` : ''}
${foldsSection(metrics, charts)}
${misclassifiedSection(test, metrics.dataset?.root, clips)}
${environmentSection(metrics)}
${config ? `<section><h2>Resolved configuration</h2><pre>${escapeHtml(config)}</pre></section>` : ''}
<footer>Generated by earshot from metrics.json${config ? ' and config.resolved.yaml' : ''}.</footer>
</main></body>
</html>
`;
}
