import { describe, expect, it } from 'vitest';
import { percent, span } from '../src/format.js';
import { LEVEL_FLOOR_DB, levelFraction, rmsDbfs } from '../src/level.js';
import { RingBuffer } from '../src/ring-buffer.js';
import { parseRunInfo } from '../src/run-info.js';
import { windowTop } from '../src/render-windows.js';

describe('RingBuffer', () => {
  it('holds the last `capacity` samples, oldest first, across wrap-arounds', () => {
    const ring = new RingBuffer(5);
    ring.push(Float32Array.of(1, 2));
    expect(ring.full).toBe(false);
    expect(Array.from(ring.read())).toEqual([1, 2]);
    ring.push(Float32Array.of(3, 4, 5, 6));
    expect(ring.full).toBe(true);
    expect(Array.from(ring.read())).toEqual([2, 3, 4, 5, 6]);
    ring.push([7]);
    expect(Array.from(ring.read())).toEqual([3, 4, 5, 6, 7]);
  });

  it('keeps only the newest samples of a chunk longer than the buffer', () => {
    const ring = new RingBuffer(3);
    ring.push(Float32Array.of(9));
    ring.push(Float32Array.of(1, 2, 3, 4, 5, 6, 7));
    expect(Array.from(ring.read())).toEqual([5, 6, 7]);
    expect(ring.length).toBe(3);
  });

  it('matches a plain array model for random chunk sizes', () => {
    const ring = new RingBuffer(17);
    const all: number[] = [];
    let x = 0;
    for (let step = 0; step < 200; step++) {
      const n = (step * 7919) % 23;
      const chunk = Float32Array.from({ length: n }, () => x++);
      ring.push(chunk);
      all.push(...chunk);
      expect(Array.from(ring.read())).toEqual(all.slice(-17));
    }
    ring.clear();
    expect(ring.length).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(2.5)).toThrow(RangeError);
  });
});

describe('level', () => {
  it('is the RMS in dBFS', () => {
    expect(rmsDbfs(new Float32Array(64).fill(1))).toBeCloseTo(0, 6);
    expect(rmsDbfs(new Float32Array(64).fill(0.1))).toBeCloseTo(-20, 4);
    const sine = Float32Array.from({ length: 4800 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 48000));
    expect(rmsDbfs(sine)).toBeCloseTo(-3.0103, 2);
  });

  it('reads silence and empty chunks as the floor', () => {
    expect(rmsDbfs(new Float32Array(128))).toBe(LEVEL_FLOOR_DB);
    expect(rmsDbfs(new Float32Array(0))).toBe(LEVEL_FLOOR_DB);
  });

  it('maps dB onto the meter', () => {
    expect(levelFraction(-60)).toBe(0);
    expect(levelFraction(-30)).toBeCloseTo(0.5);
    expect(levelFraction(0)).toBe(1);
    expect(levelFraction(-90)).toBe(0);
  });
});

describe('format', () => {
  it('percent and spans', () => {
    expect(percent(0.91234)).toBe('91.2%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(1e-9)).toBe('<0.1%');
    expect(percent(0)).toBe('0.0%');
    expect(span(0, 2)).toBe('0.00–2.00 s');
  });
});

describe('windowTop', () => {
  it('is the most probable label, ties in label order', () => {
    expect(windowTop({ start: 0, end: 1, scores: { a: 0.2, b: 0.5, c: 0.3 } }, ['a', 'b', 'c'])).toEqual({ label: 'b', p: 0.5 });
    expect(windowTop({ start: 0, end: 1, scores: { a: 0.5, b: 0.5 } }, ['a', 'b']).label).toBe('a');
  });
});

describe('parseRunInfo', () => {
  const info = {
    format: 'earshot-web-export',
    version: 1,
    run: 'demo-1',
    name: 'demo',
    created: '',
    exportedAt: '',
    labels: ['bird', 'car'],
    model: { name: 'seed-cnn', params: 10 },
    test: null,
    features: { res_type: 'soxr_hq', shape: [128, 87] },
  };
  it('accepts an export and names what is wrong otherwise', () => {
    expect(parseRunInfo(info).run).toBe('demo-1');
    expect(() => parseRunInfo({ ...info, format: 'other' })).toThrow(/not an earshot web export/);
    expect(() => parseRunInfo({ ...info, version: 2 })).toThrow(/version 2/);
    expect(() => parseRunInfo({ ...info, labels: undefined })).toThrow(/labels/);
    expect(() => parseRunInfo(null, 'x/run.json')).toThrow(/x\/run.json/);
  });
});

describe('RingBuffer.total', () => {
  it('counts every sample pushed, also those that fell out', () => {
    const ring = new RingBuffer(4);
    ring.push(new Float32Array([1, 2, 3]));
    ring.push(new Float32Array([4, 5, 6]));
    expect(ring.total).toBe(6);
    expect(Array.from(ring.read())).toEqual([3, 4, 5, 6]);
    ring.clear();
    expect(ring.total).toBe(0);
  });
});
