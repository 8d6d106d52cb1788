import { Rng } from './rng.js';

/**
 * mulberry32 (Tommy Ettinger): a tiny generator whose whole state is one 32-bit counter. The
 * streams of dataset splits (`new Mulberry32(hashSeed(seed))`), fold assignment, random crops
 * and the demo dataset come from it.
 */
export class Mulberry32 extends Rng {
  private counter: number;

  /** `seed`: reduced to 32 bits with `>>> 0` (so −1 ≡ 2³² − 1, 0.5 ≡ 0). Use `hashSeed`/`mixSeed` to spread small seeds. */
  constructor(seed: number) {
    super();
    if (!Number.isFinite(seed)) throw new RangeError(`Mulberry32 seed must be a finite number, got ${seed}`);
    this.counter = seed >>> 0;
  }

  nextUint32(): number {
    this.counter = (this.counter + 0x6d2b79f5) >>> 0;
    let t = this.counter;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
}
