import { describe, expect, it, vi } from 'vitest';

// A decoder that never settles: the caller must get an error, not a hang.
vi.mock('@audio/decode', () => ({ default: () => new Promise(() => {}) }));

describe('a hanging decoder', () => {
  it('is abandoned after timeoutMs with an error naming the file', async () => {
    const { decodeAudio } = await import('../src/index.js');
    const oggHeader = new Uint8Array(64);
    oggHeader.set([0x4f, 0x67, 0x67, 0x53]); // "OggS": not WAV, so it goes to @audio/decode
    await expect(decodeAudio(oggHeader, 'stuck.ogg', { timeoutMs: 50 })).rejects.toThrow('stuck.ogg: decoder did not finish within 50 ms');
  });
});
