import { Rng } from './rng.js';

/** The whole state of a `Xoshiro128`: four uint32 words, not all zero. */
export type Xoshiro128State = [number, number, number, number];

/** splitmix32: expands one 32-bit seed into well-mixed words for the xoshiro state. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * xoshiro128** (Blackman & Vigna), seeded through splitmix32. Its state is four uint32s that
 * `state()` returns and `Xoshiro128.fromState` restores exactly, so a training run can checkpoint
 * its generator and resume the same stream. Model initialisation, dropout step seeds, batch
 * order and augmentation draw from it.
 */
export class Xoshiro128 extends Rng {
  private s: Uint32Array;

  /**
   * `seed`: any finite number. Integers up to 2⁵³ are folded to 32 bits as
   * `⌊seed⌋ ^ ⌊seed / 2³²⌋`; fractions are floored.
   */
  constructor(seed: number) {
    super();
    if (!Number.isFinite(seed)) throw new RangeError(`Xoshiro128 seed must be a finite number, got ${seed}`);
    const mix = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
    this.s = new Uint32Array([mix(), mix(), mix(), mix()]);
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /** A generator that continues from `state` (as returned by `state()`). */
  static fromState(state: Readonly<Xoshiro128State>): Xoshiro128 {
    if (state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new RangeError(`Xoshiro128 state must be four uint32 words, got [${state.join(', ')}]`);
    }
    if (state.every((v) => v === 0)) throw new RangeError('Xoshiro128 state must not be all zero');
    const rng = new Xoshiro128(0);
    rng.s = Uint32Array.from(state);
    return rng;
  }

  /** The full state; `Xoshiro128.fromState(rng.state())` continues the same stream. */
  state(): Xoshiro128State {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }
}
