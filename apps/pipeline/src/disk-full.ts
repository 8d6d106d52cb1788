import { OutOfSpaceError } from '@earshot/model-cnn/atomic-write';
import { DiskFullError } from './errors.js';

/** The run directory, once it holds config.resolved.yaml: what a disk-full message tells the user to `--resume`. */
export interface RunDirRef {
  dir?: string;
}

/**
 * Runs `fn`, turning a full or failing disk under the run directory into a one-line DiskFullError
 * that says how to continue: `--resume` once there is a run directory, else just rerun.
 */
export async function explainDiskFull<T>(run: RunDirRef, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof OutOfSpaceError)) throw err;
    throw new DiskFullError(`${err.message}; free space and ${run.dir ? `rerun with --resume ${run.dir}` : 'rerun'}`);
  }
}
