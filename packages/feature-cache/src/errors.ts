/**
 * An entry a run needs was corrupt (and has been removed) or missing when it was read. Computing
 * the entry again repairs it, which the pipeline does before retrying the fold.
 */
export class UnreadableEntryError extends Error {
  constructor(
    readonly key: string,
    readonly problem: 'corrupt' | 'missing',
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableEntryError';
  }
}
