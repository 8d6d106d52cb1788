import { describe, expect, it } from 'vitest';
import { featureKey, featureKeyer, hashBytes } from '../src/keys.js';

describe('featureKey', () => {
  const audio = new Uint8Array(4096).map((_, i) => (i * 31) % 251);
  const base = {
    audioHash: hashBytes(audio),
    decode: { sr: 22050, mono: true, quality: 'soxr_hq' },
    features: { kind: 'melspectrogram', nMels: 128, nFft: 2048, hopLength: 512, toDb: { ref: 'max' } },
    codeVersion: 'features-mel@0.1.0',
  };

  it('is a stable hex hash, independent of key order', () => {
    const reordered = {
      codeVersion: base.codeVersion,
      features: { toDb: { ref: 'max' }, hopLength: 512, nFft: 2048, nMels: 128, kind: 'melspectrogram' },
      decode: { quality: 'soxr_hq', mono: true, sr: 22050 },
      audioHash: base.audioHash,
    };
    expect(featureKey(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(featureKey(reordered)).toBe(featureKey(base));
    expect(featureKeyer(reordered)(base.audioHash)).toBe(featureKey(base));
  });

  it('changes with any decode or feature parameter, nested ones too, and the code version', () => {
    const keys = new Set([
      featureKey(base),
      featureKey({ ...base, decode: { ...base.decode, sr: 16000 } }),
      featureKey({ ...base, decode: { ...base.decode, mono: false } }),
      featureKey({ ...base, features: { ...base.features, nMels: 64 } }),
      featureKey({ ...base, features: { ...base.features, hopLength: 256 } }),
      featureKey({ ...base, features: { ...base.features, toDb: { ref: 1 } } }),
      featureKey({ ...base, codeVersion: 'features-mel@0.1.1' }),
    ]);
    expect(keys.size).toBe(7);
  });

  it('follows the audio content, not the file name', () => {
    // The same bytes read from two names hash alike; one changed sample changes the key.
    const renamedCopy = new Uint8Array(audio);
    expect(featureKey({ ...base, audioHash: hashBytes(renamedCopy) })).toBe(featureKey(base));
    renamedCopy[100] ^= 1;
    expect(featureKey({ ...base, audioHash: hashBytes(renamedCopy) })).not.toBe(featureKey(base));
  });

  it('rejects a non-hash audioHash and non-finite parameters', () => {
    expect(() => featureKey({ ...base, audioHash: 'clip.wav' })).toThrow(/audioHash/);
    expect(() => featureKey({ ...base, features: { fmax: Number.NaN } })).toThrow(/finite/);
  });
});
