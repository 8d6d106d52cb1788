import { describe, expect, it } from 'vitest';
import { AudioInputError, errorReason } from '../src/index.js';

describe('errorReason', () => {
  it("is an AudioInputError's bare reason (the file is named beside it), else the message", () => {
    expect(errorReason({ reason: 'empty file (0 bytes)', message: 'x.wav: empty file (0 bytes)' })).toBe('empty file (0 bytes)');
    expect(errorReason(new AudioInputError('x.wav', 'empty file (0 bytes)'))).toBe('empty file (0 bytes)');
    expect(errorReason(new Error('boom'))).toBe('boom');
    expect(errorReason('plain')).toBe('plain');
    expect(errorReason(null)).toBe('null');
  });
});
