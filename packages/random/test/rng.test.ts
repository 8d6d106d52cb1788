import { describe, expect, it } from 'vitest';
import { hashSeed, mixSeed, Mulberry32, Rng, Xoshiro128 } from '../src/index.js';

const generators: [string, (seed: number) => Rng][] = [
  ['Xoshiro128', (seed) => new Xoshiro128(seed)],
  ['Mulberry32', (seed) => new Mulberry32(hashSeed(seed))],
];
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe.each(generators)('%s', (_, make) => {
  it('repeats a stream for a seed and differs across seeds', () => {
    const [a, b, c] = [make(42), make(42), make(43)];
    const xs = Array.from({ length: 10000 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs.slice(0, 100));
    expect(c.next()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.01);
  });

  it('draws in range: uniform, int, intInclusive, logUniform, pick', () => {
    const rng = make(7);
    for (let i = 0; i < 2000; i++) {
      const u = rng.uniform(-3, 5);
      expect(u >= -3 && u < 5).toBe(true);
      const k = rng.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
      const j = rng.intInclusive(2, 4);
      expect([2, 3, 4]).toContain(j);
      const f = rng.logUniform(30, 120);
      expect(f >= 30 && f < 120).toBe(true);
    }
    const seen = new Set(Array.from({ length: 200 }, () => rng.pick(['a', 'b', 'c'])));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => rng.pick([])).toThrow(/empty/);
  });

  it('gives standard normals, chances near p and betas in [0, 1] around 1/2', () => {
    const rng = make(7);
    const z = Array.from({ length: 20000 }, () => rng.normal());
    expect(Math.abs(mean(z))).toBeLessThan(0.05);
    expect(Math.abs(mean(z.map((v) => v * v)) - 1)).toBeLessThan(0.05);
    expect(Math.abs(mean(Array.from({ length: 20000 }, () => (rng.chance(0.25) ? 1 : 0))) - 0.25)).toBeLessThan(0.02);
    const betas = Array.from({ length: 2000 }, () => rng.beta(0.4));
    expect(betas.every((b) => b >= 0 && b <= 1)).toBe(true);
    expect(Math.abs(mean(betas) - 0.5)).toBeLessThan(0.05);
  });

  it('shuffles in place (typed or plain arrays) and shuffled() copies with the same order', () => {
    const ints = make(1).shuffle(Int32Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(ints).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(make(1).shuffle(Int32Array.from({ length: 20 }, (_, i) => i))).toEqual(ints);
    const items = Array.from({ length: 20 }, (_, i) => `item-${i}`);
    const copy = make(1).shuffled(items);
    expect(items[0]).toBe('item-0'); // untouched
    expect(copy).toEqual(Array.from(ints, (i) => `item-${i}`));
  });

  it('toFunction() continues the same stream', () => {
    const [a, b] = [make(3), make(3)];
    const f = a.toFunction();
    expect([f(), f(), f()]).toEqual([b.next(), b.next(), b.next()]);
  });
});

describe('Xoshiro128 state', () => {
  it('restores from its state mid-stream, including derived draws', () => {
    const rng = new Xoshiro128(123);
    rng.nextUint32();
    rng.normal();
    const copy = Xoshiro128.fromState(rng.state());
    expect([rng.next(), rng.beta(0.4), rng.int(10)]).toEqual([copy.next(), copy.beta(0.4), copy.int(10)]);
    expect(copy.state()).toEqual(rng.state());
  });

  it('rejects a state that is not four uint32 words, or all zero', () => {
    expect(() => Xoshiro128.fromState([1, 2, 3] as never)).toThrow(/four uint32/);
    expect(() => Xoshiro128.fromState([1, 2, 3, 2 ** 32])).toThrow(/four uint32/);
    expect(() => Xoshiro128.fromState([1, -2, 3, 4])).toThrow(/four uint32/);
    expect(() => Xoshiro128.fromState([0, 0, 0, 0])).toThrow(/all zero/);
  });
});

describe('mixSeed', () => {
  it('gives neighbouring keys unrelated seeds, and order matters', () => {
    const seeds = new Set<number>();
    for (let c = 0; c < 3; c++) for (let i = 0; i < 200; i++) seeds.add(mixSeed(0, c, i));
    expect(seeds.size).toBe(600);
    expect(mixSeed(0, 1, 2)).not.toBe(mixSeed(0, 2, 1));
    expect(mixSeed(0, 1)).not.toBe(mixSeed(1, 0));
  });
});
