import { Biquad, brownNoise, sinCycles, smoothRandom, whiteNoise } from './dsp.js';
import type { Rng } from '@earshot/random';

const SPEED_OF_SOUND = 343;

type Motion = 'pass-by' | 'idle' | 'approach' | 'recede';

/**
 * A car engine: a harmonic series on a jittery fundamental (random RPM → 30–120 Hz), with
 * firing-order emphasis, tyre/road noise and rumble, under a pass-by envelope with Doppler shift.
 */
export function synthCar(rng: Rng, sr: number, n: number): Float32Array {
  const duration = n / sr;
  const fundamental = rng.logUniform(30, 120);
  // Up to ~6 kHz; the fundamental rises at most ~1.6× (acceleration, jitter, Doppler), staying below Nyquist.
  const harmonics = Math.min(24, Math.floor(rng.uniform(2500, 6000) / fundamental));
  const slope = rng.uniform(0.6, 1.6);
  const firingOrder = rng.pick([1, 2, 3, 4]); // which harmonics are emphasised (cylinders / 2)
  const amps = new Float64Array(harmonics + 1);
  for (let k = 1; k <= harmonics; k++) {
    const emphasis = k % firingOrder === 0 ? rng.uniform(1.5, 3) : 1;
    amps[k] = (emphasis * rng.uniform(0.4, 1.4)) / Math.pow(k, slope);
  }
  const acceleration = rng.uniform(-0.25, 0.35); // relative RPM change over the clip
  const jitterDepth = rng.uniform(0.005, 0.03);
  const jitter = smoothRandom(rng, n, sr, rng.uniform(0.03, 0.15));
  const roughness = rng.uniform(0, 0.4); // amplitude modulation at half the firing rate

  const motion = rng.pick<Motion>(['pass-by', 'pass-by', 'pass-by', 'idle', 'approach', 'recede']);
  const speed = motion === 'idle' ? 0 : rng.uniform(8, 30); // m/s
  const closest = rng.uniform(3, 20); // m, distance at closest approach
  const closestTime =
    motion === 'pass-by' ? rng.uniform(0.25, 0.75) * duration
    : motion === 'approach' ? duration * rng.uniform(1.1, 1.6)
    : motion === 'recede' ? -duration * rng.uniform(0.1, 0.6)
    : 0;

  const envelope = new Float32Array(n);
  const out = new Float32Array(n);
  let phase = 0; // in cycles
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    let gain = 1;
    let doppler = 1;
    if (speed > 0) {
      const x = speed * (t - closestTime); // position along the road, negative while approaching
      const distance = Math.sqrt(x * x + closest * closest);
      gain = closest / distance;
      // Radial velocity is negative while approaching (pitch up) and positive after the pass.
      const radial = (speed * x) / distance;
      doppler = SPEED_OF_SOUND / (SPEED_OF_SOUND + radial);
    }
    envelope[i] = gain;
    const f = fundamental * (1 + (acceleration * t) / duration) * (1 + jitterDepth * (jitter[i] as number)) * doppler;
    phase += f / sr;
    // Σ a_k sin(k·θ) by the recurrence sin((k+1)θ) = 2cosθ·sin(kθ) − sin((k−1)θ): the harmonics
    // are phase-locked to the crankshaft, and this is far cheaper than one sine per harmonic.
    const sin1 = sinCycles(phase);
    const twoCos = 2 * sinCycles(phase + 0.25);
    let previous = 0;
    let current = sin1;
    let s = 0;
    for (let k = 1; k <= harmonics; k++) {
      s += (amps[k] as number) * current;
      const next = twoCos * current - previous;
      previous = current;
      current = next;
    }
    s *= 1 + roughness * sinCycles(0.5 * phase);
    out[i] = gain * s;
  }

  const tyres = Biquad.bandpass(sr, rng.uniform(300, 1500), rng.uniform(0.4, 1.2)).process(whiteNoise(rng, n));
  const rumble = Biquad.lowpass(sr, rng.uniform(80, 250)).process(brownNoise(rng, n));
  const tyreGain = rng.logUniform(0.1, 1.5);
  const rumbleGain = rng.logUniform(0.2, 1.5);
  for (let i = 0; i < n; i++) {
    const env = envelope[i] as number;
    out[i] = (out[i] as number) + env * (tyreGain * (tyres[i] as number) + rumbleGain * (rumble[i] as number));
  }
  return out;
}
