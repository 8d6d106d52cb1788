import FFT from 'fft.js';

/**
 * Real-input DFT of a fixed size returning bins 0..n/2, in float64 (numpy's precision).
 * Powers of two use fft.js' radix-4 real transform; other sizes use Bluestein's chirp-z on top of it.
 */
export interface RealFft {
  readonly size: number;
  /** Reads `input[0..size)`, writes `re[k]`, `im[k]` for k in 0..size/2. */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void;
}

const isPowerOfTwo = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;

export function createRealFft(size: number): RealFft {
  if (isPowerOfTwo(size)) return powerOfTwoFft(size);
  if (size === 1) {
    return {
      size,
      forward(input, re, im) {
        re[0] = input[0]!;
        im[0] = 0;
      },
    };
  }
  return bluesteinFft(size);
}

function powerOfTwoFft(size: number): RealFft {
  const plan = new FFT(size);
  const out = new Float64Array(2 * size);
  const bins = (size >> 1) + 1;
  return {
    size,
    forward(input, re, im) {
      plan.realTransform(out, input);
      for (let k = 0; k < bins; k++) {
        re[k] = out[2 * k]!;
        im[k] = out[2 * k + 1]!;
      }
    },
  };
}

function bluesteinFft(size: number): RealFft {
  let m = 2;
  while (m < 2 * size - 1) m <<= 1;
  const plan = new FFT(m);
  // chirp c[n] = exp(-i*pi*n^2/N); n^2 is reduced mod 2N so the angle stays exact for large n.
  const chirpRe = new Float64Array(size);
  const chirpIm = new Float64Array(size);
  for (let n = 0; n < size; n++) {
    const angle = (Math.PI * ((n * n) % (2 * size))) / size;
    chirpRe[n] = Math.cos(angle);
    chirpIm[n] = -Math.sin(angle);
  }
  // Spectrum of the conjugate chirp, wrapped circularly to length m.
  const kernel = new Float64Array(2 * m);
  for (let n = 0; n < size; n++) {
    kernel[2 * n] = chirpRe[n]!;
    kernel[2 * n + 1] = -chirpIm[n]!;
    if (n > 0) {
      kernel[2 * (m - n)] = chirpRe[n]!;
      kernel[2 * (m - n) + 1] = -chirpIm[n]!;
    }
  }
  const kernelSpectrum = new Float64Array(2 * m);
  plan.transform(kernelSpectrum, kernel);
  const a = new Float64Array(2 * m);
  const aSpectrum = new Float64Array(2 * m);
  const conv = new Float64Array(2 * m);
  const bins = (size >> 1) + 1;
  return {
    size,
    forward(input, re, im) {
      a.fill(0);
      for (let n = 0; n < size; n++) {
        const x = input[n]!;
        a[2 * n] = x * chirpRe[n]!;
        a[2 * n + 1] = x * chirpIm[n]!;
      }
      plan.transform(aSpectrum, a);
      for (let k = 0; k < m; k++) {
        const ar = aSpectrum[2 * k]!;
        const ai = aSpectrum[2 * k + 1]!;
        const br = kernelSpectrum[2 * k]!;
        const bi = kernelSpectrum[2 * k + 1]!;
        aSpectrum[2 * k] = ar * br - ai * bi;
        aSpectrum[2 * k + 1] = ar * bi + ai * br;
      }
      plan.inverseTransform(conv, aSpectrum);
      for (let k = 0; k < bins; k++) {
        const cr = conv[2 * k]!;
        const ci = conv[2 * k + 1]!;
        re[k] = cr * chirpRe[k]! - ci * chirpIm[k]!;
        im[k] = cr * chirpIm[k]! + ci * chirpRe[k]!;
      }
    },
  };
}
