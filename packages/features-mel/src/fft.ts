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
  if (isPowerOfTwo(size)) return packedRealFft(size);
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
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

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
    const cosT = this.cos;
    const sinT = this.sin;
    let half = 1; // half-size of the next stage's butterflies
    if ((Math.round(Math.log2(m)) & 1) === 1) {
      // Odd number of stages: one twiddle-free radix-2 stage first.
      for (let i = 0; i < m; i += 2) {
        const ar = re[i]!;
        const ai = im[i]!;
        const br = re[i + 1]!;
        const bi = im[i + 1]!;
        re[i] = ar + br;
        im[i] = ai + bi;
        re[i + 1] = ar - br;
        im[i + 1] = ai - bi;
      }
      half = 2;
    }
    // Fused stages of sizes 2L and 4L (L = half): for each j < L the four points j, j+L, j+2L, j+3L.
    for (; half < m; half <<= 2) {
      const L = half;
      const block = 4 * L;
      const step2 = m / (2 * L); // twiddle stride for stage size 2L
      const step4 = step2 >> 1; // for stage size 4L
      for (let j = 0; j < L; j++) {
        const w2r = cosT[j * step2]!;
        const w2i = sinT[j * step2]!;
        const w4r = cosT[j * step4]!;
        const w4i = sinT[j * step4]!;
        for (let base = j; base < m; base += block) {
          const i0 = base;
          const i1 = base + L;
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
  }
}

/**
 * n-point real FFT as an n/2-point complex FFT of z[j] = x[2j] + i·x[2j+1], then one pass that
 * splits the even/odd spectra and applies exp(-2πik/n). No allocation per call.
 */
function packedRealFft(size: number): RealFft {
  const m = size >> 1;
  const fft = new ComplexFft(m);
  const bitReverse = fft.bitReverse;
  const zr = new Float64Array(m);
  const zi = new Float64Array(m);
  const cos = new Float64Array(m + 1);
  const sin = new Float64Array(m + 1);
  for (let k = 0; k <= m; k++) {
    const angle = (2 * Math.PI * k) / size;
    cos[k] = Math.cos(angle);
    sin[k] = Math.sin(angle);
  }
  return {
    size,
    forward(input, re, im) {
      for (let j = 0; j < m; j++) {
        const r = bitReverse[j]!;
        zr[r] = input[2 * j]!;
        zi[r] = input[2 * j + 1]!;
      }
      fft.transform(zr, zi);
      re[0] = zr[0]! + zi[0]!;
      im[0] = 0;
      re[m] = zr[0]! - zi[0]!;
      im[m] = 0;
      // X[k] = E[k] + W^k·O[k], E = (Z[k] + conj Z[m−k])/2, O = (Z[k] − conj Z[m−k])/(2i), W = e^{−2πi/n}.
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
        // Bin m−k: E[m−k] = conj E[k], O[m−k] = conj O[k], W^{m−k} = −conj W^k.
        const sr = or * wr - oi * wi; // Re(conj O · (−conj W)) = −(or·wr − oi·wi)
        const si = or * wi + oi * wr; // Im(conj O · (−conj W)) = or·wi + oi·wr
        re[q] = er - sr;
        im[q] = -ei + si;
      }
    },
  };
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
