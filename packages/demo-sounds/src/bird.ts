import { sinCycles } from './dsp.js';
import type { Rng } from '@earshot/random';

type ChirpShape = 'up' | 'down' | 'trill' | 'warble' | 'hook';

interface Voice {
  baseHz: number;
  spanHz: number;
  shape: ChirpShape;
  chirpSeconds: number;
  harmonic2: number;
  harmonic3: number;
  gain: number;
}

function randomVoice(rng: Rng): Voice {
  return {
    baseHz: rng.logUniform(1500, 6500),
    spanHz: rng.uniform(300, 2500) * (rng.chance(0.5) ? 1 : 0.5),
    shape: rng.pick<ChirpShape>(['up', 'down', 'trill', 'warble', 'hook']),
    chirpSeconds: rng.uniform(0.035, 0.25),
    harmonic2: rng.uniform(0.05, 0.45),
    harmonic3: rng.uniform(0, 0.2),
    gain: rng.uniform(0.5, 1),
  };
}

/** Instantaneous frequency of a chirp at relative time u ∈ [0, 1). */
function chirpFrequency(voice: Voice, u: number, seconds: number, fmHz: number): number {
  const { baseHz, spanHz } = voice;
  switch (voice.shape) {
    case 'up': return baseHz + spanHz * u * u;
    case 'down': return baseHz + spanHz * (1 - u);
    case 'trill': return baseHz + 0.5 * spanHz * Math.sin(2 * Math.PI * fmHz * u * seconds);
    case 'warble': return baseHz + spanHz * u + 0.25 * spanHz * Math.sin(2 * Math.PI * fmHz * u * seconds);
    case 'hook': return baseHz + spanHz * Math.sin(Math.PI * u); // rises then falls
  }
}

/**
 * Bird song: one or two voices, each a phrase of FM-swept chirps with 2nd/3rd harmonics,
 * random counts, timings, pitches and per-chirp loudness.
 */
export function synthBird(rng: Rng, sr: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const duration = n / sr;
  const voices = rng.chance(0.3) ? 2 : 1;
  for (let v = 0; v < voices; v++) {
    const voice = randomVoice(rng);
    const chirps = rng.intInclusive(2, 10);
    // Songs repeat at a near-regular interval; calls are scattered. Both occur.
    const regular = rng.chance(0.5);
    const interval = rng.uniform(0.08, 0.4);
    let start = rng.uniform(0, duration * 0.5);
    for (let c = 0; c < chirps; c++) {
      if (!regular) start = rng.uniform(0, duration);
      const seconds = voice.chirpSeconds * rng.uniform(0.8, 1.25);
      const pitch = rng.uniform(0.93, 1.07); // individual chirps wander in pitch
      const gain = voice.gain * rng.uniform(0.4, 1);
      const fmHz = rng.uniform(15, 60);
      const attack = rng.uniform(0.1, 0.5); // relative position of the envelope peak
      const first = Math.floor(start * sr);
      const length = Math.floor(seconds * sr);
      let phase = rng.next(); // in cycles
      for (let i = 0; i < length && first + i < n; i++) {
        const u = i / length;
        const f = pitch * chirpFrequency(voice, u, seconds, fmHz);
        phase += f / sr;
        // Asymmetric raised-sine envelope: quick rise, slower decay (or the reverse).
        const env = u < attack ? Math.sin((Math.PI / 2) * (u / attack)) : Math.cos((Math.PI / 2) * ((u - attack) / (1 - attack)));
        let s = sinCycles(phase);
        if (2 * f < sr / 2) s += voice.harmonic2 * sinCycles(2 * phase);
        if (3 * f < sr / 2) s += voice.harmonic3 * sinCycles(3 * phase);
        out[first + i] = (out[first + i] as number) + gain * env * env * s;
      }
      start += seconds + interval * rng.uniform(0.8, 1.2);
      if (regular && start >= duration) break; // the song ran past the end of the clip
    }
  }
  return out;
}
