import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { asSpaceError } from '@earshot/model-cnn/atomic-write';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYYMMDD-HHMMSS` in local time. */
export function timestamp(date = new Date()): string {
  return (
    `${date.getFullYear()}${pad2(date.getMonth() + 1)}${pad2(date.getDate())}-` +
    `${pad2(date.getHours())}${pad2(date.getMinutes())}${pad2(date.getSeconds())}`
  );
}

/**
 * Creates `<outputDir>/<name>-<YYYYMMDD-HHMMSS>[-n]/`. The final mkdir is not recursive, so two
 * runs started in the same second each claim their own directory. A full disk throws OutOfSpaceError.
 */
export async function createRunDir(outputDir: string, name: string, date = new Date()): Promise<string> {
  try {
    return await claimRunDir(outputDir, name, date);
  } catch (err) {
    throw await asSpaceError(err, outputDir, 4096); // a directory entry: about one block
  }
}

async function claimRunDir(outputDir: string, name: string, date: Date): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  const base = join(outputDir, `${name}-${timestamp(date)}`);
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The files of a run directory (the contract shared by the pipeline engineers). */
export const runFiles = {
  config: 'config.resolved.yaml',
  metrics: 'metrics.json',
  scanReport: 'scan-report.txt',
  scanReportJson: 'scan-report.json',
  splitManifest: 'split-manifest.csv',
  model: 'model',
  preprocess: 'model/preprocess.json',
  report: 'report.html',
  checkpoints: 'checkpoints',
} as const;
