/** Bad parameter or input; the message names the offending key. Mirrors librosa's ParameterError. */
export class ParameterError extends Error {
  override readonly name = 'ParameterError';
  /** The recipe key at fault (`mel.fmax`), when one is: callers map it to their own names. */
  readonly key: string | undefined;

  constructor(message: string, key?: string) {
    super(message);
    this.key = key;
  }
}

export function requirePositiveInt(key: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ParameterError(`${key}=${String(value)} must be a positive integer`, key);
  }
  return value;
}

export function requireFiniteNumber(key: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ParameterError(`${key}=${String(value)} must be a finite number`, key);
  }
  return value;
}

export function requireFiniteAudio(y: Float32Array): void {
  if (!(y instanceof Float32Array)) throw new ParameterError('y must be a Float32Array');
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) {
      throw new ParameterError(`y is not finite everywhere (sample ${i} is ${String(y[i])})`);
    }
  }
}
