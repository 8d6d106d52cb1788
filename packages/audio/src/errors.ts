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
