/** An array (or typed array) whose elements can be reordered in place. */
export interface MutableArrayLike<T> {
  length: number;
  [index: number]: T;
}

/**
 * A seeded generator of uniform 32-bit integers and everything drawn from them. Subclasses
 * supply `nextUint32()`, the algorithm; every other draw is defined here, once, in terms of
 * `next()` — so a given algorithm and seed give the same numbers whichever draw a caller uses.
 *
 * Each method's exact formula (and how many values it consumes) is part of the contract:
 * changing one changes published splits, crops, initial weights and demo data.
 */
export abstract class Rng {
  /** Next raw output, a uniform integer in [0, 2³²). */
  abstract nextUint32(): number;

  /** Uniform in [0, 1) with 32 bits of resolution (`nextUint32() / 2³²`). One draw. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high): `low + (high − low) · next()`. One draw. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Integer uniform in [0, n): `⌊next() · n⌋`. One draw. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer uniform in [low, high], both ends included. One draw. */
  intInclusive(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** `true` with probability `p` (`next() < p`). One draw. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`, uniformly. One draw. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[this.int(items.length)] as T;
  }

  /** Log-uniform in [low, high) (both > 0): for frequencies and rates, perceived on a log scale. One draw. */
  logUniform(low: number, high: number): number {
    return low * Math.pow(high / low, this.next());
  }

  /** Standard normal (Box–Muller, cosine branch only). Two draws. */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Symmetric Beta(alpha, alpha), as mixup draws its λ: two gamma draws (Marsaglia–Tsang). */
  beta(alpha: number): number {
    const x = this.gamma(alpha);
    const y = this.gamma(alpha);
    return x + y === 0 ? 0.5 : x / (x + y);
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang; shapes below 1 through the boost Gamma(a + 1) · U^(1/a). */
  private gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  /** In-place Fisher–Yates shuffle (from the end: swaps `i` with `int(i + 1)`); returns `array`. */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A shuffled copy of `items` (the same order `shuffle` gives). */
  shuffled<T>(items: readonly T[]): T[] {
    return this.shuffle(items.slice());
  }

  /** `next` as a plain `() => number`, for APIs that take a uniform [0, 1) function. */
  toFunction(): () => number {
    return () => this.next();
  }
}
