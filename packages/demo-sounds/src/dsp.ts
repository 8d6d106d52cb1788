import type { Rng } from '@earshot/random';

/** Second-order IIR section (RBJ audio-EQ cookbook), direct form I. */
export class Biquad {
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  private constructor(
    private readonly b0: number,
    private readonly b1: number,
    private readonly b2: number,
    private readonly a1: number,
    private readonly a2: number,
  ) {}

  private static design(kind: 'lowpass' | 'highpass' | 'bandpass', sr: number, freq: number, q: number): Biquad {
    const w0 = (2 * Math.PI * Math.min(freq, sr * 0.49)) / sr;
    const cos = Math.cos(w0);
    const alpha = Math.sin(w0) / (2 * q);
    const a0 = 1 + alpha;
    let b0: number, b1: number, b2: number;
    if (kind === 'lowpass') {
      b0 = (1 - cos) / 2; b1 = 1 - cos; b2 = (1 - cos) / 2;
    } else if (kind === 'highpass') {
      b0 = (1 + cos) / 2; b1 = -(1 + cos); b2 = (1 + cos) / 2;
    } else {
      b0 = alpha; b1 = 0; b2 = -alpha; // constant 0 dB peak gain
    }
    return new Biquad(b0 / a0, b1 / a0, b2 / a0, (-2 * cos) / a0, (1 - alpha) / a0);
  }

  static lowpass(sr: number, freq: number, q = Math.SQRT1_2): Biquad { return Biquad.design('lowpass', sr, freq, q); }
  static highpass(sr: number, freq: number, q = Math.SQRT1_2): Biquad { return Biquad.design('highpass', sr, freq, q); }
  static bandpass(sr: number, freq: number, q: number): Biquad { return Biquad.design('bandpass', sr, freq, q); }

  /** Filters `x` in place and returns it. */
  process(x: Float32Array): Float32Array {
    for (let i = 0; i < x.length; i++) {
      const input = x[i] as number;
      const y = this.b0 * input + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
      this.x2 = this.x1; this.x1 = input;
      this.y2 = this.y1; this.y1 = y;
      x[i] = y;
    }
    return x;
  }
}

export function whiteNoise(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * rng.next() - 1;
  return out;
}

/** Pink (1/f) noise with Paul Kellet's economy filter: accurate to ±0.5 dB above ~10 Hz. */
export function pinkNoise(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < n; i++) {
    const white = 2 * rng.next() - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    out[i] = b0 + b1 + b2 + white * 0.1848;
  }
  return out;
}

/** Brown (1/f²) noise: leaky integrated white noise, leak keeps it from drifting. */
export function brownNoise(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = 0.998 * acc + 0.05 * (2 * rng.next() - 1);
    out[i] = acc;
  }
  return out;
}

/**
 * Slowly varying random curve around 0 with values roughly in [-1, 1]: random knots every
 * `knotSeconds`, joined by smoothstep interpolation. Used for pitch jitter and intensity gusts.
 */
export function smoothRandom(rng: Rng, n: number, sr: number, knotSeconds: number): Float32Array {
  const step = Math.max(1, Math.round(knotSeconds * sr));
  const knots = Math.ceil(n / step) + 2;
  const values = new Float32Array(knots);
  for (let k = 0; k < knots; k++) values[k] = rng.uniform(-1, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / step);
    const t = (i - k * step) / step;
    const w = t * t * (3 - 2 * t);
    out[i] = (values[k] as number) * (1 - w) + (values[k + 1] as number) * w;
  }
  return out;
}

export function rms(x: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, x.length));
}

export function peak(x: Float32Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] as number));
  return max;
}

/** Scales `x` in place to the given RMS (no-op on silence). */
export function scaleToRms(x: Float32Array, target: number): Float32Array {
  const current = rms(x);
  if (current > 0) {
    const gain = target / current;
    for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * gain;
  }
  return x;
}

/** out += gain * x (over the shorter length). */
export function addInto(out: Float32Array, x: Float32Array, gain = 1): void {
  const n = Math.min(out.length, x.length);
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) + gain * (x[i] as number);
}

export const dbToGain = (db: number): number => Math.pow(10, db / 20);

const SINE_TABLE_SIZE = 4096;
const SINE_TABLE = (() => {
  const table = new Float64Array(SINE_TABLE_SIZE + 1);
  for (let i = 0; i <= SINE_TABLE_SIZE; i++) table[i] = Math.sin((2 * Math.PI * i) / SINE_TABLE_SIZE);
  return table;
})();

/**
 * sin(2π·cycles) from a linearly interpolated table (error < 1e-6): the engine's many harmonics
 * per sample make Math.sin the generation's bottleneck.
 */
export function sinCycles(cycles: number): number {
  const position = (cycles - Math.floor(cycles)) * SINE_TABLE_SIZE;
  const i = Math.floor(position);
  const a = SINE_TABLE[i] as number;
  return a + ((SINE_TABLE[i + 1] as number) - a) * (position - i);
}
