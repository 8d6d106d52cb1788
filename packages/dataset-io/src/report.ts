import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { decodeAudio, isPlainWav, isRiffWave, readFlacStreamInfo, readWavHeader, WAVE_FORMAT_PCM } from '@earshot/audio';
import { toProblem, type Problem } from './problems.js';
import type { AudioItem } from './scan/types.js';
import type { SplitName } from './split.js';

export interface AudioProbe {
  path: string;
  durationSec: number;
  sampleRate: number;
  channels: number;
  /** sha256 of the file's bytes. */
  contentHash: string;
}

/**
 * Reads a file's duration, rate and channels cheaply: the header for integer PCM WAV and FLAC, a
 * full (validating) decode for everything else. Never throws: a bad file comes back as a Problem.
 */
export async function probeAudio(path: string): Promise<AudioProbe | Problem> {
  try {
    const bytes = await readFile(path);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    if (isRiffWave(bytes)) {
      const header = (() => {
        try {
          return readWavHeader(bytes);
        } catch {
          return null; // decodeAudio below reports the precise reason
        }
      })();
      if (header && header.formatTag === WAVE_FORMAT_PCM && isPlainWav(header) && header.dataBytes === header.declaredDataBytes && header.frames > 0) {
        return { path, durationSec: header.frames / header.sampleRate, sampleRate: header.sampleRate, channels: header.channels, contentHash };
      }
    }
    // FLAC (UrbanSound8K, ESC-50 mirrors): STREAMINFO gives duration, rate and channels without a decode.
    const flac = readFlacStreamInfo(bytes);
    if (flac && flac.frames > 0) {
      return { path, durationSec: flac.frames / flac.sampleRate, sampleRate: flac.sampleRate, channels: flac.channels, contentHash };
    }
    const audio = await decodeAudio(bytes, path);
    return { path, durationSec: audio.channels[0]!.length / audio.sampleRate, sampleRate: audio.sampleRate, channels: audio.channels.length, contentHash };
  } catch (e) {
    return toProblem(path, e);
  }
}

export function isProblem(x: AudioProbe | Problem): x is Problem {
  return 'reason' in x;
}

export interface HistogramBin {
  /** Inclusive lower edge, seconds. */
  from: number;
  to: number;
  count: number;
}

export interface DuplicateSet {
  contentHash: string;
  paths: string[];
  /** Splits the copies fall in (when a manifest was given). */
  splits: SplitName[];
  /** True when copies are in different splits: a leak. */
  acrossSplits: boolean;
  /** Labels the copies carry. */
  labels: string[];
  /** True when copies carry different labels: one of them is mislabelled. */
  acrossClasses: boolean;
}

export interface ScanReport {
  files: number;
  usable: number;
  classCounts: Record<string, number>;
  durations: { min: number; max: number; mean: number; histogram: HistogramBin[] };
  sampleRates: Record<string, number>;
  channels: Record<string, number>;
  problems: Problem[];
  warnings: Problem[];
  duplicates: DuplicateSet[];
  /** Largest class count / smallest class count. */
  imbalanceRatio: number;
  imbalanceWarning: string | null;
}

export interface ScanReportInput {
  items: readonly AudioItem[];
  probes: readonly (AudioProbe | Problem)[];
  /** Problems found while scanning (folders, names, manifests). */
  problems?: readonly Problem[];
  warnings?: readonly Problem[];
  manifest?: Readonly<Record<string, SplitName>>;
  /** Warn when largest/smallest class exceeds this. Default 3. */
  imbalanceThreshold?: number;
  histogramBins?: number;
}

/** Summarises a scanned dataset before any feature is computed. */
export function buildScanReport(input: ScanReportInput): ScanReport {
  const probes = input.probes.filter((p): p is AudioProbe => !isProblem(p));
  const problems = [...(input.problems ?? []), ...input.probes.filter(isProblem)];
  const bad = new Set(problems.map((p) => p.path));
  const usable = input.items.filter((i) => !bad.has(i.path));

  const classCounts: Record<string, number> = {};
  for (const item of [...usable].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))) classCounts[item.label] = (classCounts[item.label] ?? 0) + 1;
  const counts = Object.values(classCounts);
  const imbalanceRatio = counts.length ? Math.max(...counts) / Math.min(...counts) : 1;
  const threshold = input.imbalanceThreshold ?? 3;
  const imbalanceWarning =
    imbalanceRatio > threshold
      ? `class imbalance: largest class has ${imbalanceRatio.toFixed(1)}× the files of the smallest (threshold ${threshold}); consider class weights or stratified splits`
      : null;

  const durations = probes.map((p) => p.durationSec);
  const countBy = (values: number[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const v of [...values].sort((a, b) => a - b)) out[String(v)] = (out[String(v)] ?? 0) + 1;
    return out;
  };

  const byHash = new Map<string, string[]>();
  for (const p of probes) byHash.set(p.contentHash, [...(byHash.get(p.contentHash) ?? []), p.path]);
  const labelOf = new Map(input.items.map((item) => [item.path, item.label]));
  const duplicates: DuplicateSet[] = [];
  for (const [contentHash, paths] of byHash) {
    if (paths.length < 2) continue;
    const splits = [...new Set(paths.map((p) => input.manifest?.[p]).filter((s): s is SplitName => s !== undefined))];
    const labels = [...new Set(paths.map((p) => labelOf.get(p)).filter((l): l is string => l !== undefined))].sort();
    duplicates.push({ contentHash, paths: paths.sort(), splits, acrossSplits: splits.length > 1, labels, acrossClasses: labels.length > 1 });
  }

  return {
    files: input.items.length,
    usable: usable.length,
    classCounts,
    durations: {
      min: durations.length ? Math.min(...durations) : 0,
      max: durations.length ? Math.max(...durations) : 0,
      mean: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0,
      histogram: histogram(durations, input.histogramBins ?? 10),
    },
    sampleRates: countBy(probes.map((p) => p.sampleRate)),
    channels: countBy(probes.map((p) => p.channels)),
    problems,
    warnings: [...(input.warnings ?? [])],
    duplicates,
    imbalanceRatio,
    imbalanceWarning,
  };
}

function histogram(values: number[], bins: number): HistogramBin[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min === max) return [{ from: min, to: max, count: values.length }];
  const width = (max - min) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const v of values) out[Math.min(bins - 1, Math.floor((v - min) / width))]!.count++;
  return out;
}

/** Plain-text rendering for the terminal and the run directory. */
export function renderScanReport(report: ScanReport): string {
  const lines: string[] = [];
  lines.push(`Scan: ${report.files} files, ${report.usable} usable, ${report.problems.length} problem(s), ${Object.keys(report.classCounts).length} classes`);
  lines.push('', 'Files per class:');
  const width = Math.max(0, ...Object.keys(report.classCounts).map((k) => k.length));
  for (const [label, count] of Object.entries(report.classCounts)) lines.push(`  ${label.padEnd(width)}  ${count}`);
  const d = report.durations;
  lines.push('', `Durations (s): min ${d.min.toFixed(3)}, mean ${d.mean.toFixed(3)}, max ${d.max.toFixed(3)}`);
  const peak = Math.max(1, ...d.histogram.map((b) => b.count));
  for (const bin of d.histogram) lines.push(`  ${bin.from.toFixed(2).padStart(8)}–${bin.to.toFixed(2).padEnd(8)} ${'#'.repeat(Math.ceil((bin.count / peak) * 40))} ${bin.count}`);
  lines.push('', `Sample rates: ${Object.entries(report.sampleRates).map(([k, v]) => `${k} Hz × ${v}`).join(', ') || 'none'}`);
  lines.push(`Channels: ${Object.entries(report.channels).map(([k, v]) => `${k} × ${v}`).join(', ') || 'none'}`);
  if (report.imbalanceWarning) lines.push('', `WARNING: ${report.imbalanceWarning}`);
  if (report.duplicates.length) {
    const acrossClasses = report.duplicates.filter((d) => d.acrossClasses).length;
    lines.push('', `Duplicate files (same content): ${report.duplicates.length} set(s)${acrossClasses ? `, ${acrossClasses} with different labels` : ''}`);
    for (const dup of report.duplicates) {
      const flags = `${dup.acrossClasses ? `ACROSS CLASSES (${dup.labels.join(', ')}) ` : ''}${dup.acrossSplits ? 'ACROSS SPLITS ' : ''}`;
      lines.push(`  ${flags}${dup.contentHash.slice(0, 12)}${dup.splits.length ? ` [${dup.splits.join(', ')}]` : ''}`);
      for (const p of dup.paths) lines.push(`    ${p}`);
    }
  }
  if (report.problems.length) {
    lines.push('', 'Unusable files:');
    for (const p of report.problems) lines.push(`  ${p.path}: ${p.reason}`);
  }
  if (report.warnings.length) {
    lines.push('', 'Warnings:');
    for (const p of report.warnings) lines.push(`  ${p.path}: ${p.reason}`);
  }
  return lines.join('\n') + '\n';
}

/** A few lines for a run's terminal: counts, classes, durations, rates, channels, and what needs attention. */
export function renderScanSummary(report: ScanReport): string {
  const classes = Object.entries(report.classCounts);
  const shown = classes.slice(0, 12).map(([label, count]) => `${label} ${count}`).join(', ');
  const d = report.durations;
  const lines = [
    `Scan: ${report.files} files, ${report.usable} usable, ${report.problems.length} problem(s), ${classes.length} classes (${shown}${classes.length > 12 ? ', …' : ''})`,
    `  durations ${d.min.toFixed(2)}–${d.max.toFixed(2)} s (mean ${d.mean.toFixed(2)}); ` +
      `${Object.keys(report.sampleRates).map((r) => `${r} Hz`).join(', ') || 'no rate'}; ` +
      `${Object.keys(report.channels).map((c) => (c === '1' ? 'mono' : `${c} channels`)).join(', ') || 'no channels'}`,
  ];
  if (report.imbalanceWarning) lines.push(`  WARNING: ${report.imbalanceWarning}`);
  const acrossClasses = report.duplicates.filter((dup) => dup.acrossClasses).length;
  if (report.duplicates.length) {
    lines.push(`  ${report.duplicates.length} set(s) of duplicate files${acrossClasses ? `, ${acrossClasses} with different labels` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
