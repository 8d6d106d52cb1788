import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadRunMetrics, readResolvedConfig, type RunMetrics } from './run-metrics.js';

type Scalar = string | number | boolean | null;

/** Flattens nested config objects to `a.b.c` key paths; arrays of scalars stay one value. */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, Scalar>()): Map<string, Scalar> {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) out.set(prefix, JSON.stringify(value));
    else value.forEach((v, i) => flattenConfig(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
    for (const [key, v] of entries) flattenConfig(v, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, value as Scalar);
  }
  return out;
}

export interface ConfigChange {
  key: string;
  /** undefined: the key is absent on that side. */
  a: Scalar | undefined;
  b: Scalar | undefined;
}

export function diffConfig(a: Map<string, Scalar>, b: Map<string, Scalar>): ConfigChange[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((key) => a.get(key) !== b.get(key)).map((key) => ({ key, a: a.get(key), b: b.get(key) }));
}

async function loadConfig(runDir: string): Promise<Map<string, Scalar> | undefined> {
  const text = await readResolvedConfig(runDir);
  if (text === undefined) return undefined;
  try {
    return flattenConfig(parseYaml(text));
  } catch (error) {
    throw new Error(`${join(runDir, 'config.resolved.yaml')}: not valid YAML (${(error as Error).message})`);
  }
}

type Kind = 'rate' | 'score' | 'seconds' | 'count';

interface MetricRow {
  name: string;
  kind: Kind;
  a: number | undefined;
  b: number | undefined;
}

function metricRows(a: RunMetrics, b: RunMetrics): { section: string; rows: MetricRow[] }[] {
  const row = (name: string, kind: Kind, pick: (m: RunMetrics) => number | undefined): MetricRow => ({ name, kind, a: pick(a), b: pick(b) });
  const topKs = [...new Set([...Object.keys(a.test?.top_k ?? {}), ...Object.keys(b.test?.top_k ?? {})])].filter((k) => k !== '1').sort((x, y) => Number(x) - Number(y));
  const labels = [...new Set([...a.labels, ...b.labels])];
  const f1 = (m: RunMetrics, label: string) => m.test?.per_class?.find((c) => c.label === label)?.f1;
  const cvKeys = a.cv || b.cv ? (['accuracy', 'balanced_accuracy', 'macro_f1'] as const) : [];
  const timingKeys = Object.keys(a.timings) as (keyof RunMetrics['timings'])[];
  const lastEpoch = (m: RunMetrics) => m.epochs?.[m.epochs.length - 1];

  const sections = [
    {
      section: 'test',
      rows: [
        row('accuracy', 'rate', (m) => m.test?.accuracy),
        row('balanced accuracy', 'rate', (m) => m.test?.balanced_accuracy),
        row('macro F1', 'score', (m) => m.test?.macro_f1),
        row('weighted F1', 'score', (m) => m.test?.weighted_f1),
        ...topKs.map((k) => row(`top-${k} accuracy`, 'rate', (m) => m.test?.top_k?.[k])),
        row('misclassified', 'count', (m) => m.test?.misclassified?.length),
      ],
    },
    { section: 'per-class F1', rows: labels.map((label) => row(`F1 ${label}`, 'score', (m) => f1(m, label))) },
    {
      section: 'cross-validation (mean / std)',
      rows: cvKeys.flatMap((key) => {
        const kind: Kind = key.includes('accuracy') ? 'rate' : 'score';
        return [
          row(`${key.replaceAll('_', ' ')} mean`, kind, (m) => m.cv?.[key]?.mean),
          row(`${key.replaceAll('_', ' ')} std`, kind, (m) => m.cv?.[key]?.std),
        ];
      }),
    },
    {
      section: 'training',
      rows: [
        row('epochs', 'count', (m) => m.epochs?.length),
        row('final loss', 'score', (m) => lastEpoch(m)?.loss),
        row('final val loss', 'score', (m) => lastEpoch(m)?.val_loss),
        row('model params', 'count', (m) => m.model?.params),
        row('features cached', 'count', (m) => m.features?.cached),
        row('features computed', 'count', (m) => m.features?.computed),
      ],
    },
    { section: 'timings', rows: timingKeys.map((key) => row(key, 'seconds', (m) => m.timings?.[key])) },
  ];
  return sections
    .map((s) => ({ ...s, rows: s.rows.filter((r) => r.a !== undefined || r.b !== undefined) }))
    .filter((s) => s.rows.length > 0);
}

const MISSING = '—';

function formatValue(kind: Kind, x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return MISSING;
  switch (kind) {
    case 'rate': return `${(100 * x).toFixed(2)}%`;
    case 'score': return x.toFixed(4);
    case 'seconds': return `${x.toFixed(1)} s`;
    case 'count': return Number.isInteger(x) ? String(x) : x.toFixed(2);
  }
}

function formatDelta(kind: Kind, a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return '';
  const d = b - a;
  if (d === 0) return '=';
  const sign = d > 0 ? '+' : '−';
  const abs = Math.abs(d);
  switch (kind) {
    case 'rate': return `${sign}${(100 * abs).toFixed(2)} pp`;
    case 'score': return `${sign}${abs.toFixed(4)}`;
    case 'seconds': return `${sign}${abs.toFixed(1)} s${a !== 0 ? ` (${sign}${((100 * abs) / Math.abs(a)).toFixed(0)}%)` : ''}`;
    case 'count': return `${sign}${Number.isInteger(abs) ? abs : abs.toFixed(2)}`;
  }
}

/** Aligns columns: the first left-aligned, the others right-aligned except those listed in `left`. */
function alignRows(rows: string[][], left = new Set([0])): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => (left.has(c) ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ')
      .trimEnd(),
  );
}

const show = (v: Scalar | undefined) => (v === undefined ? MISSING : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A printable diff of two run directories: config changes (flattened key paths, old → new)
 * and metrics side by side with deltas (b − a).
 */
export async function compareRuns(a: string, b: string): Promise<string> {
  const [dirA, dirB] = [resolve(a), resolve(b)];
  // One after the other, so an error names run a before run b whichever file the disk returns first.
  const metricsA = await loadRunMetrics(dirA);
  const metricsB = await loadRunMetrics(dirB);
  const [configA, configB] = await Promise.all([loadConfig(dirA), loadConfig(dirB)]);
  const lines: string[] = [`a: ${dirA}`, `b: ${dirB}`, ''];

  if (!configA || !configB) {
    const missing = [!configA ? 'a' : undefined, !configB ? 'b' : undefined].filter(Boolean).join(' and ');
    lines.push(`config: not compared (no config.resolved.yaml in ${missing})`);
  } else {
    const changes = diffConfig(configA, configB);
    if (changes.length === 0) lines.push('config: identical');
    else {
      lines.push(`config: ${changes.length} change${changes.length === 1 ? '' : 's'}`);
      lines.push(...alignRows(changes.map((c) => [`  ${c.key}`, show(c.a), '→', show(c.b)]), new Set([0, 1, 2, 3])));
    }
  }
  if (metricsA.labels.join() !== metricsB.labels.join()) {
    lines.push('', `labels differ: a [${metricsA.labels.join(', ')}], b [${metricsB.labels.join(', ')}]`);
  }
  if (metricsA.backend?.name !== metricsB.backend?.name) {
    lines.push('', `backend: ${metricsA.backend?.name ?? MISSING} → ${metricsB.backend?.name ?? MISSING}`);
  }

  const sameName = basename(dirA) === basename(dirB);
  const table: string[][] = [['metrics', sameName ? 'a' : basename(dirA), sameName ? 'b' : basename(dirB), 'Δ (b − a)']];
  for (const { section, rows } of metricRows(metricsA, metricsB)) {
    table.push([section, '', '', '']);
    for (const r of rows) table.push([`  ${r.name}`, formatValue(r.kind, r.a), formatValue(r.kind, r.b), formatDelta(r.kind, r.a, r.b)]);
  }
  lines.push('', ...alignRows(table));
  return lines.join('\n');
}
