/**
 * Golden vectors: exact outputs recorded from the three implementations this package replaced
 * (dataset-io's random.ts, model-cnn's rng.ts, the pipeline demo's prng.ts) before the move.
 * Published splits, crops, initial weights, training order and the demo dataset's bytes depend
 * on these streams: a failure here means results would silently change. Do not "update" them.
 */
import { describe, expect, it } from 'vitest';
import { hashSeed, mixSeed, Mulberry32, Xoshiro128 } from '../src/index.js';

const take = <T>(n: number, draw: () => T): T[] => Array.from({ length: n }, draw);
const nth = (n: number, draw: () => number): number => {
  for (let i = 1; i < n; i++) draw();
  return draw();
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Mulberry32 (fold assignment, random crops, demo clips)', () => {
  it('next() from a raw seed', () => {
    const r0 = new Mulberry32(0);
    expect(take(3, () => r0.next())).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
    expect(nth(197, () => r0.next())).toBe(0.1753339117858559); // the 200th draw
    const r42 = new Mulberry32(42);
    expect(take(3, () => r42.next())).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
    expect(nth(197, () => r42.next())).toBe(0.991456612246111);
    const r7 = new Mulberry32(7);
    expect(take(2, () => r7.next())).toEqual([0.011704753153026104, 0.06195825757458806]);
    const top = new Mulberry32(2 ** 32 - 1);
    expect(take(3, () => top.next())).toEqual([0.8964226141106337, 0.189478256739676, 0.7156526781618595]);
  });

  it('reduces the seed with >>> 0: −1 ≡ 2³² − 1, 0.5 ≡ 0', () => {
    expect(new Mulberry32(-1).next()).toBe(0.8964226141106337);
    expect(new Mulberry32(0.5).next()).toBe(0.26642920868471265);
    expect(() => new Mulberry32(Number.NaN)).toThrow(/finite/);
  });

  it("the demo synthesiser's draws", () => {
    const ints = new Mulberry32(0);
    expect(take(8, () => ints.intInclusive(2, 10))).toEqual([4, 2, 4, 3, 6, 6, 7, 7]);
    const picks = new Mulberry32(42);
    expect(take(8, () => picks.pick(['up', 'down', 'trill', 'warble', 'hook']))).toEqual(
      ['warble', 'trill', 'hook', 'warble', 'up', 'trill', 'down', 'warble'],
    );
    const logs = new Mulberry32(42);
    expect(take(2, () => logs.logUniform(30, 120))).toEqual([69.02744115238566, 55.84947111576713]);
    const normals = new Mulberry32(0);
    expect(take(2, () => normals.normal())).toEqual([0.7871846599200555, 0.43143961704601397]);
    const chances = new Mulberry32(42);
    expect(take(10, () => chances.chance(0.3))).toEqual([false, false, false, false, true, false, true, false, false, false]);
    const uniforms = new Mulberry32(1);
    expect(take(2, () => uniforms.uniform(0.035, 0.25))).toEqual([0.1698208972264547, 0.03558818005374633]);
    // One interleaved sequence, as a synthesiser consumes it.
    const mixed = new Mulberry32(1);
    expect([mixed.next(), mixed.uniform(-1, 1), mixed.intInclusive(0, 3), mixed.normal(), mixed.chance(0.5), mixed.pick([1, 2, 3, 4]), mixed.logUniform(1500, 6500)])
      .toEqual([0.6270739405881613, -0.994528557639569, 2, 2.760973377179358, true, 3, 4315.950131671051]);
  });
});

describe('Mulberry32 over hashSeed (dataset-io splits)', () => {
  it('hashSeed', () => {
    expect([0, 1, 42, -1, 2 ** 32 - 1].map(hashSeed)).toEqual([493009611, 1059954845, 2599351197, 4288662295, 4288662295]);
  });

  it('the split stream and its shuffles', () => {
    const s0 = new Mulberry32(hashSeed(0));
    expect(take(3, () => s0.next())).toEqual([0.9475175943225622, 0.04613845958374441, 0.7144081201404333]);
    const s1 = new Mulberry32(hashSeed(1));
    expect(take(2, () => s1.next())).toEqual([0.9158894717693329, 0.281631670659408]);
    expect(new Mulberry32(hashSeed(0)).shuffled(range(50)).slice(0, 12)).toEqual([15, 19, 36, 32, 0, 6, 49, 41, 9, 35, 22, 33]);
    expect(new Mulberry32(hashSeed(42)).shuffled(range(50)).slice(0, 12)).toEqual([40, 19, 24, 26, 32, 9, 5, 39, 44, 15, 33, 6]);
  });
});

describe('mixSeed (demo clip streams)', () => {
  it('mixes parts in order', () => {
    expect([mixSeed(0), mixSeed(0, 0, 0), mixSeed(0, 1, 2), mixSeed(0, 2, 1), mixSeed(0, 0), mixSeed(0, 2, 79)])
      .toEqual([1463454057, 903932506, 97530563, 1425492699, 3784386596, 3675594996]);
    expect([mixSeed(42), mixSeed(42, 0, 0), mixSeed(42, 1, 2)]).toEqual([3026691751, 1679957137, 3684114000]);
  });
});

describe('Xoshiro128 (model init, batch order, augmentation, dropout step seeds)', () => {
  it('nextUint32 from a seed', () => {
    const r0 = new Xoshiro128(0);
    expect(take(4, () => r0.nextUint32())).toEqual([3809008728, 1133695204, 53579671, 2891528803]);
    expect(nth(196, () => r0.nextUint32())).toBe(3336183809); // the 200th draw
    const r42 = new Xoshiro128(42);
    expect(take(4, () => r42.nextUint32())).toEqual([2837322924, 544945897, 479756282, 3500138142]);
    expect(nth(196, () => r42.nextUint32())).toBe(1608673121);
    const r1 = new Xoshiro128(1);
    expect(take(3, () => r1.nextUint32())).toEqual([2442144158, 3238099751, 3819917871]);
    const top = new Xoshiro128(2 ** 32 - 1);
    expect(take(3, () => top.nextUint32())).toEqual([835879718, 1921286648, 2356205009]);
    const big = new Xoshiro128(1e10); // above 2³²: the high word is folded in
    expect(take(3, () => big.nextUint32())).toEqual([1086703194, 1166016831, 3833661288]);
  });

  it('folds seeds as ⌊s⌋ ^ ⌊s / 2³²⌋ (so 0.5 ≡ 0 and, a quirk kept for stability, −1 ≡ 0)', () => {
    expect(new Xoshiro128(0.5).nextUint32()).toBe(3809008728);
    expect(new Xoshiro128(-1).nextUint32()).toBe(3809008728);
    expect(() => new Xoshiro128(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });

  it('its state after 10 draws, and the stream resumed from it', () => {
    const r = new Xoshiro128(0);
    for (let i = 0; i < 10; i++) r.nextUint32();
    expect(r.state()).toEqual([1726090213, 2261535221, 3098642090, 139208545]);
    const r42 = new Xoshiro128(42);
    for (let i = 0; i < 10; i++) r42.nextUint32();
    expect(r42.state()).toEqual([4025967253, 2990955105, 448808402, 3862215751]);
    const resumed = Xoshiro128.fromState([1726090213, 2261535221, 3098642090, 139208545]);
    const fresh = new Xoshiro128(0);
    for (let i = 0; i < 10; i++) fresh.nextUint32();
    expect(take(200, () => resumed.nextUint32())).toEqual(take(200, () => fresh.nextUint32()));
  });

  it('derived draws: next, uniform, int, normal, beta, shuffle', () => {
    const u = new Xoshiro128(1);
    expect(take(2, () => u.uniform(-3, 5))).toEqual([1.54884796962142, 3.03143079392612]);
    const ints = new Xoshiro128(1);
    expect(range(10).map((i) => ints.int(1 + i))).toEqual([0, 1, 2, 1, 2, 5, 2, 4, 3, 8]);
    const normals = new Xoshiro128(0);
    expect(take(3, () => normals.normal())).toEqual([-0.18286387008766009, -0.07349540968979319, -0.2562929997176884]);
    const betas = new Xoshiro128(0);
    expect(take(2, () => betas.beta(0.1))).toEqual([0.0015312749715572075, 0.9999991839725222]);
    expect(new Xoshiro128(42).shuffle(Int32Array.from(range(20)))).toEqual(
      Int32Array.from([16, 5, 17, 9, 11, 8, 6, 7, 4, 15, 12, 10, 3, 14, 0, 1, 19, 18, 2, 13]),
    );
    // The trainer's interleaving: int, next, normal, beta(0.4), shuffle of 5.
    const mixed = new Xoshiro128(1);
    expect([mixed.int(7), mixed.next(), mixed.normal(), mixed.beta(0.4), Array.from(mixed.shuffle(Int32Array.from(range(5))))])
      .toEqual([3, 0.753928849240765, -2.0943423557098657, 0.9021896425143937, [2, 4, 0, 1, 3]]);
  });
});
