import type { AudioItem } from '@earshot/dataset-io';
import type { SkippedFile } from './features.js';

export interface ScanReport {
  text: string;
  json: {
    root: string;
    files: number;
    classes: Record<string, number>;
    problems: SkippedFile[];
    warnings: SkippedFile[];
    imbalance: number;
  };
}

/** Counts per class, bad files with reasons, warnings, and a class-imbalance warning. */
export async function scanReport(
  root: string,
  items: readonly AudioItem[],
  problems: readonly SkippedFile[],
  warnings: readonly SkippedFile[],
): Promise<ScanReport> {
  const classes: Record<string, number> = {};
  for (const item of items) classes[item.label] = (classes[item.label] ?? 0) + 1;
  const counts = Object.values(classes);
  const imbalance = counts.length ? Math.max(...counts) / Math.max(1, Math.min(...counts)) : 1;
  const lines = [`scan report: ${root}`, `  ${items.length} usable files, ${Object.keys(classes).length} classes, ${problems.length} unreadable`];
  const width = Math.max(5, ...Object.keys(classes).map((l) => l.length));
  for (const [label, n] of Object.entries(classes).sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${label.padEnd(width)} ${n}`);
  if (imbalance >= 1.5) lines.push(`  warning: class imbalance ${imbalance.toFixed(1)}:1 (largest : smallest class)`);
  for (const w of warnings) lines.push(`  warning: ${w.path}: ${w.reason}`);
  for (const p of problems) lines.push(`  bad file: ${p.path}: ${p.reason}`);
  return {
    text: `${lines.join('\n')}\n`,
    json: { root, files: items.length, classes, problems: [...problems], warnings: [...warnings], imbalance },
  };
}
