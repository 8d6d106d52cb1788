import { describe, expect, it } from 'vitest';
import { latestOnset, liveAlignment } from '../src/index.js';
import { recipe } from './fixture.js';

const sr = 16000;
/** Quiet noise at about −70 dBFS with bursts of a 440 Hz tone at `starts` (s), each `seconds` long. */
function stream(seconds: number, starts: number[], burst = 0.3): Float32Array {
  const y = new Float32Array(Math.round(seconds * sr));
  let state = 99;
  for (let i = 0; i < y.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    y[i] = 0.0005 * (state / 2 ** 32 - 0.5);
  }
  for (const s of starts) for (let i = Math.round(s * sr); i < Math.round((s + burst) * sr) && i < y.length; i++) y[i] += 0.3 * Math.sin((2 * Math.PI * 440 * i) / sr);
  return y;
}

describe('live windows', () => {
  it('start at a sound for clips cut from their start, and anywhere for cropped ones', () => {
    expect(liveAlignment(recipe)).toBe('onset');
    expect(liveAlignment({ ...recipe, clip: { duration: 4, pad: 'zeros', crop: 'center' } })).toBe('latest');
    expect(liveAlignment({ ...recipe, clip: null })).toBe('latest');
  });

  it('find the latest sound that has a whole window after it, a frame before its first loud frame', () => {
    const y = stream(2, [0.2, 0.9, 1.6]);
    // 0.2 s and 0.9 s each have 0.5 s after them, 1.6 s does not; only 0.2 s has 1.25 s.
    expect(latestOnset(y, sr, 8000)).toBe(Math.round(0.89 * sr));
    expect(latestOnset(y, sr, 20000)).toBe(Math.round(0.19 * sr));
    expect(latestOnset(y, sr, 32000)).toBeNull();
  });

  it('ignore a sound already under way when the buffer starts, noise alone, and silence', () => {
    expect(latestOnset(stream(1.5, [0, 0.2], 0.6), sr, 8000)).toBeNull(); // loud from the first frame: no quiet before it
    expect(latestOnset(stream(1.5, []), sr, 8000)).toBeNull();
    expect(latestOnset(new Float32Array(24000), sr, 8000)).toBeNull();
  });
});
