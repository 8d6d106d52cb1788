import { describe, expect, it } from 'vitest';
import { parseByteSize, parseDuration } from '../src/units.js';

describe('units', () => {
  it('parses durations and sizes', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseByteSize('2GB')).toBe(2e9);
    expect(parseByteSize('1.5 GiB')).toBe(1.5 * 2 ** 30);
    expect(parseByteSize('500mb')).toBe(5e8);
    expect(parseByteSize('1024')).toBe(1024);
    expect(() => parseDuration('7 fortnights')).toThrow(/bad duration "7 fortnights"/);
    expect(() => parseByteSize('big')).toThrow(/bad size "big"/);
  });
});
