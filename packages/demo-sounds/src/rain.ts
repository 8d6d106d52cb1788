import { Biquad, brownNoise, sinCycles, smoothRandom, whiteNoise } from './dsp.js';
import type { Rng } from '@earshot/random';

/**
 * Rain: band-limited hiss whose intensity drifts in gusts, plus Poisson-timed droplet transients
 * (broadband clicks and resonant "plinks" whose pitch rises like a bubble's), sometimes with
 * distant rumble.
 */
export function synthRain(rng: Rng, sr: number, n: number): Float32Array {
  const hiss = whiteNoise(rng, n);
  Biquad.highpass(sr, rng.logUniform(300, 3000)).process(hiss);
  Biquad.lowpass(sr, rng.logUniform(3000, 10000)).process(hiss);
  const gustDepth = rng.uniform(0, 0.5);
  const gusts = smoothRandom(rng, n, sr, rng.uniform(0.2, 0.8));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (hiss[i] as number) * (1 + gustDepth * (gusts[i] as number));

  const hissLevel = 0.3; // rough RMS of the filtered hiss, the droplet scale
  const rate = rng.logUniform(15, 300); // drops per second
  const plinkShare = rng.uniform(0, 0.45);
  const dropGain = rng.uniform(0.5, 3) * hissLevel;
  let t = -Math.log(1 - rng.next()) / rate;
  while (t * sr < n) {
    const start = Math.floor(t * sr);
    const amp = dropGain * rng.uniform(0.2, 1) ** 2;
    if (rng.chance(plinkShare)) {
      const tau = rng.uniform(0.003, 0.02);
      const f0 = rng.logUniform(900, 6000);
      const rise = rng.uniform(0, 3) * f0; // Hz per second
      const length = Math.min(n - start, Math.ceil(tau * 5 * sr));
      const decay = Math.exp(-1 / (tau * sr));
      let env = amp;
      let phase = 0; // in cycles
      for (let i = 0; i < length; i++) {
        phase += (f0 + (rise * i) / sr) / sr;
        out[start + i] = (out[start + i] as number) + env * sinCycles(phase);
        env *= decay;
      }
    } else {
      const tau = rng.uniform(0.0005, 0.004);
      const length = Math.min(n - start, Math.ceil(tau * 5 * sr));
      const decay = Math.exp(-1 / (tau * sr));
      let env = amp;
      for (let i = 0; i < length; i++) {
        out[start + i] = (out[start + i] as number) + env * (2 * rng.next() - 1);
        env *= decay;
      }
    }
    t += -Math.log(1 - rng.next()) / rate;
  }

  if (rng.chance(0.2)) {
    const rumble = Biquad.lowpass(sr, rng.uniform(60, 200)).process(brownNoise(rng, n));
    const gain = rng.uniform(0.5, 2);
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) + gain * (rumble[i] as number);
  }
  return out;
}
