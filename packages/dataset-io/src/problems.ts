import { AudioInputError } from '@earshot/audio';

export { AudioInputError };
/** A file that could not be used, with a reason a person can act on. */
export interface Problem {
  path: string;
  reason: string;
}


export type OnError = 'skip' | 'fail';

/** Turns any thrown value into a Problem for `path`. */
export function toProblem(path: string, error: unknown): Problem {
  if (error instanceof AudioInputError) return { path: error.path, reason: error.reason };
  const message = error instanceof Error ? error.message : String(error);
  return { path, reason: message || 'unknown error' };
}

/**
 * Applies the `on_error` policy: with 'fail' the first problem is thrown as an
 * AudioInputError (message names the file); with 'skip' the problems are returned for reporting.
 */
export function applyErrorPolicy(problems: readonly Problem[], onError: OnError): Problem[] {
  const first = problems[0];
  if (onError === 'fail' && first) throw new AudioInputError(first.path, first.reason);
  return [...problems];
}
