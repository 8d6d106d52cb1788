import type { FeatureRecipe } from '@earshot/features-mel';

/**
 * How a live stream is cut into the windows a model saw in training. 'onset': training clips were
 * cut from their start (a spoken digit begins its clip), so a live window starts where a sound
 * starts; a window across a sound's middle is one the model never saw. 'latest': clips were cut
 * anywhere (centred or random crops of longer recordings), so the latest window is as good as any.
 */
export type LiveAlignment = 'onset' | 'latest';

export function liveAlignment(recipe: FeatureRecipe): LiveAlignment {
  return recipe.clip?.crop === 'start' ? 'onset' : 'latest';
}

export interface OnsetOptions {
  /** Energy frame (s). Default 0.01. */
  frameSeconds?: number;
  /** Quiet before a sound for its start to count as an onset (s). Default 0.05. */
  quietSeconds?: number;
  /** A sound is this many dB above the buffer's noise floor (its 10th percentile frame). Default 12. */
  riseDb?: number;
  /** …and above this level (dBFS), so that noise alone never starts one. Default −55. */
  minDbfs?: number;
}

/**
 * The start (sample index) of the latest sound in `y` that has `length` samples after it, or null.
 * A sound starts at a frame at least `riseDb` above the noise floor after `quietSeconds` below it;
 * the index is one frame before that, as a trimmed recording starts just before its sound.
 */
export function latestOnset(y: Float32Array, sampleRate: number, length: number, options: OnsetOptions = {}): number | null {
  const { frameSeconds = 0.01, quietSeconds = 0.05, riseDb = 12, minDbfs = -55 } = options;
  const frame = Math.max(1, Math.round(frameSeconds * sampleRate));
  const frames = Math.floor(y.length / frame);
  if (frames === 0) return null;
  const db = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += y[i]! * y[i]!;
    db[f] = 10 * Math.log10(sum / frame + 1e-12);
  }
  const floor = Float64Array.from(db).sort()[Math.floor(frames * 0.1)]!;
  const threshold = Math.max(floor + riseDb, minDbfs);
  const quiet = Math.max(1, Math.round(quietSeconds / frameSeconds));
  let below = 0;
  let latest: number | null = null;
  for (let f = 0; f < frames; f++) {
    if (db[f]! < threshold) {
      below++;
      continue;
    }
    const start = Math.max(0, (f - 1) * frame);
    if (below >= quiet && start + length <= y.length) latest = start;
    below = 0;
  }
  return latest;
}
