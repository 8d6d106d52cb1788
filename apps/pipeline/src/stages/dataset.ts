import { join } from 'node:path';
import { renderScanSummary, type DurationChoice } from '@earshot/dataset-io';
import { writeFileAtomic } from '@earshot/model-cnn/atomic-write';
import type { ExperimentConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { runFiles } from '../run-dir.js';
import { FileFailedError, type SkippedFile } from './features.js';
import { checkPlan, checkSplitData } from './preflight.js';
import { chooseScanDuration, scanReport, scanStage, type ScanStageResult } from './scan.js';
import { firstFoldManifest, loadSplitLists, planSplits, type SplitPlan } from './split.js';

export interface DatasetStageResult {
  scan: ScanStageResult;
  plan: SplitPlan;
  /** `audio.duration: auto` chosen from the scanned clips (undefined when the config gives it). */
  clipDuration?: number;
}

/** Scans the dataset, plans the splits and writes the scan report (it flags duplicate files across splits). */
export async function datasetStage(config: ExperimentConfig, runDir: string, log: Logger): Promise<DatasetStageResult> {
  const scan = await scanStage(config, log);
  checkSplitData(scan.items, config);
  const plan = planSplits(scan.items, config, await loadSplitLists(config, scan.root));
  checkPlan(config, plan);
  for (const warning of plan.warnings) log.warn(`warning: ${warning}`);
  const report = scanReport(scan, firstFoldManifest(scan.items, plan));
  await writeFileAtomic(join(runDir, runFiles.scanReport), report.text);
  await writeFileAtomic(join(runDir, runFiles.scanReportJson), `${JSON.stringify(report.json, null, 2)}\n`);
  // The terminal gets a summary; the full report (histograms, every bad file, duplicates) is in the run directory.
  log.info(`${renderScanSummary(report.json).trimEnd()}\n  full report: ${join(runDir, runFiles.scanReport)}`);
  reportSkipped(scan.skipped, config, log);
  const choice = autoDuration(config, scan);
  if (!choice) return { scan, plan };
  log.info(`audio.duration auto: ${choice.seconds} s (${choice.reason})`);
  return { scan, plan, clipDuration: choice.seconds };
}

/** The clip duration `audio.duration: auto` means for these scanned clips; undefined when the config gives one. */
export function autoDuration(config: ExperimentConfig, scan: ScanStageResult): DurationChoice | undefined {
  if (config.audio.duration !== 'auto') return undefined;
  return chooseScanDuration(scan);
}

/** Warns about each skipped file, or stops at the first with `dataset.on_error: fail`. */
export function reportSkipped(skipped: readonly SkippedFile[], config: ExperimentConfig, log: Logger): void {
  if (skipped.length === 0) return;
  if (config.dataset.on_error === 'fail') throw new FileFailedError(skipped[0]!);
  for (const file of skipped) log.warn(`skipped ${file.path}: ${file.reason}`);
}
