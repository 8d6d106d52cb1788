/** Exit codes: 0 ok, 1 the run failed (bad data with on_error: fail, runtime error), 2 bad input (config/CLI). */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error the user caused and can fix: printed without a stack, with its exit code. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An AudioInputError's bare reason, other errors' message (what the page prints too). */
export { errorReason } from '@earshot/dataset-io';

/** A failure already reported to the user (e.g. per file): exit with `exitCode`, print nothing more. */
export class ReportedFailure extends Error {
  constructor(readonly exitCode = EXIT_FAILED) {
    super('already reported');
    this.name = 'ReportedFailure';
  }
}

/**
 * The disk under the run directory filled up (or failed) while writing a run file, checkpoint or
 * the model: one line naming the directory, the space needed and free, and how to continue.
 */
export class DiskFullError extends UsageError {
  constructor(message: string) {
    super(message, EXIT_FAILED);
    this.name = 'DiskFullError';
  }
}
