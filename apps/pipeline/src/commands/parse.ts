import { InvalidArgumentError } from 'commander';

/** Commander value parsers: bad CLI values become a clear message and exit code 2. */

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

/** A positive number or `none` (→ null), as librosa's `top_db=None` / `sr=None`. */
export function positiveNumberOrNone(value: string): number | null {
  if (value === 'none' || value === 'None' || value === 'native') return null;
  return positiveNumber(value);
}

export function refValue(value: string): number | 'max' {
  if (value === 'max') return 'max';
  return positiveNumber(value);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function booleanFlag(value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new InvalidArgumentError(`expected true or false, got "${value}"`);
}

/** A commander value parser from a unit parser (`parseDuration`, `parseByteSize`): its error names the value. */
export function unitValue(parse: (text: string) => number): (value: string) => number {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}
