/**
 * Real-input DFT of a fixed size returning bins 0..n/2, in float64 (numpy's precision).
 * Even sizes whose half is a power of two run as one n/2-point complex FFT plus a twiddle pass;
 * other sizes use Bluestein's chirp-z on top of a power-of-two complex FFT.
 */
export interface RealFft {
  readonly size: number;
  /** Reads `input[0..size)`, writes `re[k]`, `im[k]` for k in 0..size/2. */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void;
}

const isPowerOfTwo = (n: number): boolean => n >= 1 && (n & (n - 1)) === 0;

export function createRealFft(size: number): RealFft {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
  if (size === 1) {
    return {
      size,
      forward(input, re, im) {
        re[0] = input[0]!;
        im[0] = 0;
      },
    };
  }
  if (isPowerOfTwo(size)) return new PackedRealFft(size);
  return bluesteinFft(size);
}

/**
 * In-place complex FFT of a power-of-two size m on split re/im arrays whose input is already in
 * bit-reversed order. Pairs of radix-2 stages are fused into one pass (half the memory traffic);
 * twiddles come from one table of exp(-2πik/m), k < m/2.
 */
class ComplexFft {
  readonly size: number;
  /** bitReverse[j]: where input element j goes. */
  readonly bitReverse: Int32Array;
  /** cos(2πk/m) and −sin(2πk/m), k < m/2. */
  readonly cos: Float64Array;
  readonly sin: Float64Array;

  constructor(m: number) {
    this.size = m;
    const bits = Math.round(Math.log2(m));
    this.bitReverse = new Int32Array(m);
    for (let j = 0; j < m; j++) {
      let r = 0;
      for (let b = 0, v = j; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.bitReverse[j] = r;
    }
    const half = Math.max(1, m >> 1);
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const angle = (2 * Math.PI * k) / m;
      this.cos[k] = Math.cos(angle);
      this.sin[k] = -Math.sin(angle);
    }
  }

  /** Forward transform (exp(-2πi·jk/m)) of bit-reversed re/im, in place. */
  transform(re: Float64Array, im: Float64Array): void {
    const m = this.size;
    if (m === 1) return;
    if (m === 2) {
      const ar = re[0]!;
      const ai = im[0]!;
      re[0] = ar + re[1]!;
      im[0] = ai + im[1]!;
      re[1] = ar - re[1]!;
      im[1] = ai - im[1]!;
      return;
    }
    // First two stages (sizes 2 and 4): plain 4-point DFTs, no twiddles.
    for (let p = 0; p < m; p += 4) {
      const a0r = re[p]! + re[p + 1]!;
      const a0i = im[p]! + im[p + 1]!;
      const a1r = re[p]! - re[p + 1]!;
      const a1i = im[p]! - im[p + 1]!;
      const a2r = re[p + 2]! + re[p + 3]!;
      const a2i = im[p + 2]! + im[p + 3]!;
      const a3r = re[p + 2]! - re[p + 3]!;
      const a3i = im[p + 2]! - im[p + 3]!;
      re[p] = a0r + a2r;
      im[p] = a0i + a2i;
      re[p + 2] = a0r - a2r;
      im[p + 2] = a0i - a2i;
      re[p + 1] = a1r + a3i;
      im[p + 1] = a1i - a3r;
      re[p + 3] = a1r - a3i;
      im[p + 3] = a1i + a3r;
    }
    this.stagesFrom(4, re, im);
  }

  /**
   * Remaining stages once blocks of size `half` are transformed: fused pairs of radix-2 stages
   * (sizes 2L and 4L in one pass: half the memory traffic), then one radix-2 stage if a single one is left.
   */
  stagesFrom(half: number, re: Float64Array, im: Float64Array): void {
    const m = this.size;
    const cosT = this.cos;
    const sinT = this.sin;
    for (; 4 * half <= m; half <<= 2) {
      const L = half;
      const block = 4 * L;
      const step2 = m / (2 * L); // twiddle stride for stage size 2L
      const step4 = step2 >> 1; // for stage size 4L
      for (let j = 0; j < L; j++) {
        const w2r = cosT[j * step2]!;
        const w2i = sinT[j * step2]!;
        const w4r = cosT[j * step4]!;
        const w4i = sinT[j * step4]!;
        for (let i0 = j; i0 < m; i0 += block) {
          const i1 = i0 + L;
          const i2 = i1 + L;
          const i3 = i2 + L;
          // Stage 2L: (i0, i1) and (i2, i3) with twiddle w2.
          const x0r = re[i0]!;
          const x0i = im[i0]!;
          const x1r = re[i1]!;
          const x1i = im[i1]!;
          const x2r = re[i2]!;
          const x2i = im[i2]!;
          const x3r = re[i3]!;
          const x3i = im[i3]!;
          const t1r = x1r * w2r - x1i * w2i;
          const t1i = x1r * w2i + x1i * w2r;
          const t3r = x3r * w2r - x3i * w2i;
          const t3i = x3r * w2i + x3i * w2r;
          const a0r = x0r + t1r;
          const a0i = x0i + t1i;
          const a1r = x0r - t1r;
          const a1i = x0i - t1i;
          const a2r = x2r + t3r;
          const a2i = x2i + t3i;
          const a3r = x2r - t3r;
          const a3i = x2i - t3i;
          // Stage 4L: (i0, i2) with w4, (i1, i3) with w4·(−i).
          const u2r = a2r * w4r - a2i * w4i;
          const u2i = a2r * w4i + a2i * w4r;
          const v3r = a3r * w4r - a3i * w4i;
          const v3i = a3r * w4i + a3i * w4r;
          // (v3r + i v3i)·(−i) = v3i − i v3r
          re[i0] = a0r + u2r;
          im[i0] = a0i + u2i;
          re[i2] = a0r - u2r;
          im[i2] = a0i - u2i;
          re[i1] = a1r + v3i;
          im[i1] = a1i - v3r;
          re[i3] = a1r - v3i;
          im[i3] = a1i + v3r;
        }
      }
    }
    if (half < m) {
      // One stage of size m left: pairs (j, j + m/2) with twiddle exp(-2πij/m).
      for (let j = 0; j < half; j++) {
        const wr = cosT[j]!;
        const wi = sinT[j]!;
        const k = j + half;
        const xr = re[k]! * wr - im[k]! * wi;
        const xi = re[k]! * wi + im[k]! * wr;
        const ar = re[j]!;
        const ai = im[j]!;
        re[j] = ar + xr;
        im[j] = ai + xi;
        re[k] = ar - xr;
        im[k] = ai - xi;
      }
    }
  }
}

/**
 * n-point real FFT (n a power of two) as an n/2-point complex FFT of z[j] = x[2j] + i·x[2j+1], then one
 * pass that splits the even/odd spectra and applies exp(-2πik/n). No allocation per call.
 */
export class PackedRealFft implements RealFft {
  readonly size: number;
  private readonly fft: ComplexFft;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  /** The plan's tables, for a kernel that must compute exactly what this class computes. */
  get tables(): { bitReverse: Int32Array; cos: Float64Array; sin: Float64Array; splitCos: Float64Array; splitSin: Float64Array } {
    return { bitReverse: this.fft.bitReverse, cos: this.fft.cos, sin: this.fft.sin, splitCos: this.cos, splitSin: this.sin };
  }

  constructor(size: number) {
    const m = size >> 1;
    this.size = size;
    this.fft = new ComplexFft(m);
    this.zr = new Float64Array(m);
    this.zi = new Float64Array(m);
    this.cos = new Float64Array(m + 1);
    this.sin = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      const angle = (2 * Math.PI * k) / size;
      this.cos[k] = Math.cos(angle);
      this.sin[k] = Math.sin(angle);
    }
  }

  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    const { zr, zi } = this;
    const bitReverse = this.fft.bitReverse;
    for (let j = 0; j < zr.length; j++) {
      const r = bitReverse[j]!;
      zr[r] = input[2 * j]!;
      zi[r] = input[2 * j + 1]!;
    }
    this.fft.transform(zr, zi);
    this.split(re, im);
  }

  /**
   * Spectrum of `window[i] · signal[offset + i]` for i in 0..size (products in float64, as numpy's
   * float64 window times a float32 frame), with the windowing and bit-reversed load fused into the
   * first radix-4 pass: one read of the frame, no scratch copy.
   */
  forwardWindowed(signal: Float32Array, offset: number, window: Float64Array, re: Float64Array, im: Float64Array): void {
    const { zr, zi } = this;
    const m = zr.length;
    const bitReverse = this.fft.bitReverse;
    if (m < 4) {
      for (let j = 0; j < m; j++) {
        const r = bitReverse[j]!;
        zr[r] = window[2 * j]! * signal[offset + 2 * j]!;
        zi[r] = window[2 * j + 1]! * signal[offset + 2 * j + 1]!;
      }
      this.fft.transform(zr, zi);
      this.split(re, im);
      return;
    }
    for (let p = 0; p < m; p += 4) {
      const j0 = 2 * bitReverse[p]!;
      const j1 = 2 * bitReverse[p + 1]!;
      const j2 = 2 * bitReverse[p + 2]!;
      const j3 = 2 * bitReverse[p + 3]!;
      const x0r = window[j0]! * signal[offset + j0]!;
      const x0i = window[j0 + 1]! * signal[offset + j0 + 1]!;
      const x1r = window[j1]! * signal[offset + j1]!;
      const x1i = window[j1 + 1]! * signal[offset + j1 + 1]!;
      const x2r = window[j2]! * signal[offset + j2]!;
      const x2i = window[j2 + 1]! * signal[offset + j2 + 1]!;
      const x3r = window[j3]! * signal[offset + j3]!;
      const x3i = window[j3 + 1]! * signal[offset + j3 + 1]!;
      const a0r = x0r + x1r;
      const a0i = x0i + x1i;
      const a1r = x0r - x1r;
      const a1i = x0i - x1i;
      const a2r = x2r + x3r;
      const a2i = x2i + x3i;
      const a3r = x2r - x3r;
      const a3i = x2i - x3i;
      zr[p] = a0r + a2r;
      zi[p] = a0i + a2i;
      zr[p + 2] = a0r - a2r;
      zi[p + 2] = a0i - a2i;
      zr[p + 1] = a1r + a3i;
      zi[p + 1] = a1i - a3r;
      zr[p + 3] = a1r - a3i;
      zi[p + 3] = a1i + a3r;
    }
    this.fft.stagesFrom(4, zr, zi);
    this.split(re, im);
  }

  /** X[k] = E[k] + W^k·O[k], E = (Z[k] + conj Z[m−k])/2, O = (Z[k] − conj Z[m−k])/(2i), W = e^{−2πi/n}. */
  private split(re: Float64Array, im: Float64Array): void {
    const { zr, zi, cos, sin } = this;
    const m = zr.length;
    re[0] = zr[0]! + zi[0]!;
    im[0] = 0;
    re[m] = zr[0]! - zi[0]!;
    im[m] = 0;
    for (let k = 1, q = m - 1; k <= q; k++, q--) {
      const ar = zr[k]!;
      const ai = zi[k]!;
      const cr = zr[q]!;
      const ci = zi[q]!;
      const er = 0.5 * (ar + cr);
      const ei = 0.5 * (ai - ci);
      const or = 0.5 * (ai + ci);
      const oi = -0.5 * (ar - cr);
      const wr = cos[k]!;
      const wi = -sin[k]!;
      const tr = or * wr - oi * wi;
      const ti = or * wi + oi * wr;
      re[k] = er + tr;
      im[k] = ei + ti;
      // Bin m−k: E[m−k] = conj E[k], O[m−k] = conj O[k], W^{m−k} = −conj W^k, so X[m−k] = conj E[k] − conj(W^k·O[k]).
      re[q] = er - tr;
      im[q] = ti - ei;
    }
  }
}

function bluesteinFft(size: number): RealFft {
  let m = 2;
  while (m < 2 * size - 1) m <<= 1;
  const fft = new ComplexFft(m);
  const bitReverse = fft.bitReverse;
  // chirp c[n] = exp(-i*pi*n^2/N); n^2 is reduced mod 2N so the angle stays exact for large n.
  const chirpRe = new Float64Array(size);
  const chirpIm = new Float64Array(size);
  for (let n = 0; n < size; n++) {
    const angle = (Math.PI * ((n * n) % (2 * size))) / size;
    chirpRe[n] = Math.cos(angle);
    chirpIm[n] = -Math.sin(angle);
  }
  // Spectrum of the conjugate chirp, wrapped circularly to length m, scaled by 1/m for the inverse.
  const kernelRe = new Float64Array(m);
  const kernelIm = new Float64Array(m);
  for (let n = 0; n < size; n++) {
    kernelRe[bitReverse[n]!] = chirpRe[n]!;
    kernelIm[bitReverse[n]!] = -chirpIm[n]!;
    if (n > 0) {
      kernelRe[bitReverse[m - n]!] = chirpRe[n]!;
      kernelIm[bitReverse[m - n]!] = -chirpIm[n]!;
    }
  }
  fft.transform(kernelRe, kernelIm);
  for (let k = 0; k < m; k++) {
    kernelRe[k]! /= m;
    kernelIm[k]! /= m;
  }
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  const bins = (size >> 1) + 1;
  return {
    size,
    forward(input, re, im) {
      ar.fill(0);
      ai.fill(0);
      for (let n = 0; n < size; n++) {
        const x = input[n]!;
        const r = bitReverse[n]!;
        ar[r] = x * chirpRe[n]!;
        ai[r] = x * chirpIm[n]!;
      }
      fft.transform(ar, ai);
      // Pointwise product, then the inverse FFT as conj(FFT(conj(·))), loaded bit-reversed.
      for (let k = 0; k < m; k++) {
        const xr = ar[k]!;
        const xi = ai[k]!;
        const kr = kernelRe[k]!;
        const ki = kernelIm[k]!;
        const r = bitReverse[k]!;
        br[r] = xr * kr - xi * ki;
        bi[r] = -(xr * ki + xi * kr);
      }
      fft.transform(br, bi);
      for (let k = 0; k < bins; k++) {
        const cr = br[k]!;
        const ci = -bi[k]!;
        re[k] = cr * chirpRe[k]! - ci * chirpIm[k]!;
        im[k] = cr * chirpIm[k]! + ci * chirpRe[k]!;
      }
    },
  };
}
