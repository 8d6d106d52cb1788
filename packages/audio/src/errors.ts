/** Thrown for input that cannot be decoded or used; `path` names the file. */
export class AudioInputError extends Error {
  readonly path: string;
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'AudioInputError';
    this.path = path;
    this.reason = reason;
  }
}

/** What to tell a person about a failure: an AudioInputError's bare reason (the file is named beside it), else the message. */
export function errorReason(err: unknown): string {
  const e = err as { reason?: unknown; message?: unknown } | null;
  if (typeof e?.reason === 'string' && e.reason) return e.reason;
  if (typeof e?.message === 'string' && e.message) return e.message;
  return String(err);
}
