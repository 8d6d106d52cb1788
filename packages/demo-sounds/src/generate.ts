import { mixSeed, Mulberry32, type Rng } from '@earshot/random';
import { synthBird } from './bird.js';
import { synthCar } from './car.js';
import { addInto, brownNoise, dbToGain, peak, pinkNoise, rms, scaleToRms } from './dsp.js';
import { synthRain } from './rain.js';

export const DEMO_LABELS = ['bird', 'car', 'rain'] as const;
export type DemoLabel = (typeof DEMO_LABELS)[number];
export const DEMO_SAMPLE_RATE = 22050;

type Synth = (rng: Rng, sr: number, n: number) => Float32Array;
const SYNTHS: Record<DemoLabel, Synth> = { bird: synthBird, car: synthCar, rain: synthRain };

export interface ClipSpec {
  label: DemoLabel;
  /** Index of the clip within its class. */
  index: number;
  seed: number;
  /** Nominal duration; each clip lasts 0.8–1.2 × this. */
  seconds: number;
  sampleRate?: number;
}

/**
 * One demo clip. Each clip has its own random stream derived from (seed, label, index), so a
 * clip does not depend on how many others are generated.
 */
export function generateClip(spec: ClipSpec): Float32Array {
  const sr = spec.sampleRate ?? DEMO_SAMPLE_RATE;
  const classIndex = DEMO_LABELS.indexOf(spec.label);
  const rng = new Mulberry32(mixSeed(spec.seed, classIndex, spec.index));
  const n = Math.round(spec.seconds * rng.uniform(0.8, 1.2) * sr);

  const clip = scaleToRms(SYNTHS[spec.label](rng, sr, n), 1);

  // Ambience under every clip at a random SNR: pink (wind, traffic hum) or brown (rumble).
  const ambience = rng.chance(0.6) ? pinkNoise(rng, n) : brownNoise(rng, n);
  addInto(clip, scaleToRms(ambience, 1), dbToGain(-rng.uniform(-2, 18)));

  // Occasionally another class leaks in, well below the foreground (a distant car under rain).
  if (rng.chance(0.35)) {
    const others = DEMO_LABELS.filter((label) => label !== spec.label);
    const other = rng.pick(others);
    const interference = scaleToRms(SYNTHS[other](rng, sr, n), 1);
    addInto(clip, interference, dbToGain(-rng.uniform(3, 15)));
  }

  // Fade the edges (10 ms) so clips don't start or end with a click.
  const fade = Math.min(Math.floor(0.01 * sr), Math.floor(n / 2));
  for (let i = 0; i < fade; i++) {
    const g = i / fade;
    clip[i] = (clip[i] as number) * g;
    clip[n - 1 - i] = (clip[n - 1 - i] as number) * g;
  }

  // Random recording level, −32…−14 dBFS RMS, never clipping.
  scaleToRms(clip, dbToGain(-rng.uniform(14, 32)));
  const top = peak(clip);
  if (top > 0.98) for (let i = 0; i < n; i++) clip[i] = ((clip[i] as number) * 0.98) / top;
  if (!(rms(clip) > 0)) throw new Error(`demo: generated a silent ${spec.label} clip (index ${spec.index})`);
  return clip;
}
