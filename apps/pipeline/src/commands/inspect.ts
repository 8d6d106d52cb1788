import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { detectLayout, renderScanReport, type DatasetSource, type DurationChoice, type ScanReport } from '@earshot/dataset-io';
import { loadExperiment } from '../config/index.js';
import { EXIT_FAILED, UsageError } from '../errors.js';
import { chooseScanDuration, datasetRoot, resolveDatasetSource, scanReport, scanSource } from '../stages/scan.js';

export interface Inspection {
  root: string;
  /** How the files are labelled, and where that was read from. */
  layout: { source: DatasetSource; description: string };
  report: ScanReport;
  /** The clip duration `audio.duration: auto` would choose. */
  duration: DurationChoice;
}

/**
 * `inspect <folder | experiment.yaml>`: the scan report without training — the layout and label
 * source, classes, duration/rate/channel histograms, bad files, duplicates — and the duration
 * earshot would pad or crop clips to.
 */
export async function inspect(target: string): Promise<Inspection> {
  const layout = await layoutOf(target);
  const root = layout.source.root;
  const scan = await scanSource(root, layout.source);
  const { json: report } = scanReport(scan);
  // The report lists what the scan could not use; `inspect` never fails on bad files.
  return { root, layout, report, duration: chooseScanDuration(scan) };
}

async function layoutOf(target: string): Promise<Inspection['layout']> {
  const info = await stat(target).catch(() => {
    throw new UsageError(`inspect: ${target}: no such file or folder`);
  });
  if (info.isDirectory()) {
    const guess = await detectLayout(resolve(target));
    if (!guess.source) {
      throw new UsageError(
        `inspect: ${target}: ${guess.description}. Put each class in its own folder, name files {label}_…, or add a CSV manifest with path and label columns.`,
        EXIT_FAILED,
      );
    }
    return { source: guess.source, description: guess.description };
  }
  const config = await loadExperiment(target);
  const root = await datasetRoot(config);
  const source = await resolveDatasetSource(config, root);
  return { source, description: `from ${target}: ${source.kind === 'preset' ? `preset ${source.preset}` : `${source.kind} labels`}` };
}

/** Renders an inspection for the terminal. */
export function renderInspection(inspection: Inspection): string {
  return [
    `Dataset: ${inspection.root}`,
    `Layout: ${inspection.layout.description}`,
    '',
    renderScanReport(inspection.report).trimEnd(),
    '',
    `Duration for audio.duration auto: ${inspection.duration.seconds} s (${inspection.duration.reason})`,
    '',
  ].join('\n');
}

export async function inspectCommand(target: string, opts: { json?: boolean }): Promise<void> {
  const inspection = await inspect(target);
  process.stdout.write(opts.json ? `${JSON.stringify(inspection, null, 2)}\n` : renderInspection(inspection));
}
