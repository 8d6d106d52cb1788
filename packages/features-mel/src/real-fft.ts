/**
 * Real FFT of a power-of-two size n via one complex FFT of size n/2 (even/odd samples packed as
 * re/im), iterative radix-2 with split re/im typed arrays and precomputed twiddles. float64 throughout.
 */
export class PackedRealFft {
  readonly size: number;
  private readonly half: number;
  private readonly bitrev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** e^{-2πik/n} for the final split step, k = 0..n/2. */
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`PackedRealFft size ${size} must be a power of two >= 4`);
    this.size = size;
    const half = size >> 1;
    this.half = half;
    let bits = 0;
    while (1 << bits < half) bits++;
    this.bitrev = new Uint32Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitrev[i] = r;
    }
    this.cos = new Float64Array(half >> 1);
    this.sin = new Float64Array(half >> 1);
    for (let j = 0; j < half >> 1; j++) {
      const a = (2 * Math.PI * j) / half;
      this.cos[j] = Math.cos(a);
      this.sin[j] = -Math.sin(a);
    }
    this.splitCos = new Float64Array(half + 1);
    this.splitSin = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      const a = (2 * Math.PI * k) / size;
      this.splitCos[k] = Math.cos(a);
      this.splitSin[k] = -Math.sin(a);
    }
    this.zr = new Float64Array(half);
    this.zi = new Float64Array(half);
  }

  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    const half = this.half;
    const zr = this.zr;
    const zi = this.zi;
    const bitrev = this.bitrev;
    for (let i = 0; i < half; i++) {
      const j = bitrev[i]!;
      zr[j] = input[2 * i]!;
      zi[j] = input[2 * i + 1]!;
    }
    const cos = this.cos;
    const sin = this.sin;
    // First stage (span 1): twiddle 1.
    for (let i = 0; i < half; i += 2) {
      const ar = zr[i]!;
      const ai = zi[i]!;
      const br = zr[i + 1]!;
      const bi = zi[i + 1]!;
      zr[i] = ar + br;
      zi[i] = ai + bi;
      zr[i + 1] = ar - br;
      zi[i + 1] = ai - bi;
    }
    for (let span = 2; span < half; span <<= 1) {
      const stride = half / (span << 1);
      for (let start = 0; start < half; start += span << 1) {
        for (let j = 0, t = 0; j < span; j++, t += stride) {
          const a = start + j;
          const b = a + span;
          const wr = cos[t]!;
          const wi = sin[t]!;
          const br0 = zr[b]!;
          const bi0 = zi[b]!;
          const br = br0 * wr - bi0 * wi;
          const bi = br0 * wi + bi0 * wr;
          const ar = zr[a]!;
          const ai = zi[a]!;
          zr[a] = ar + br;
          zi[a] = ai + bi;
          zr[b] = ar - br;
          zi[b] = ai - bi;
        }
      }
    }
    // Untangle: X[k] = E[k] + w^k O[k], E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) / 2i.
    const sc = this.splitCos;
    const ss = this.splitSin;
    re[0] = zr[0]! + zi[0]!;
    im[0] = 0;
    re[half] = zr[0]! - zi[0]!;
    im[half] = 0;
    for (let k = 1; k < half; k++) {
      const pr = zr[k]!;
      const pi = zi[k]!;
      const qr = zr[half - k]!;
      const qi = -zi[half - k]!;
      const er = 0.5 * (pr + qr);
      const ei = 0.5 * (pi + qi);
      const or = 0.5 * (pi - qi);
      const oi = -0.5 * (pr - qr);
      const wr = sc[k]!;
      const wi = ss[k]!;
      re[k] = er + or * wr - oi * wi;
      im[k] = ei + or * wi + oi * wr;
    }
  }
}
