import type { FeatureRecipe } from '@earshot/features-mel';
import type { Preprocess } from '@earshot/model-cnn';
import type { ResType } from '@earshot/audio';

/**
 * The recipe inference runs: the training recipe, with a fixed clip length even where training
 * clips all had one native length (it is the model's input width), and never a random crop
 * (a clip no longer than the model's window is cut as a held-out clip was).
 */
export function inferenceRecipe(p: Preprocess): FeatureRecipe {
  const { recipe } = p;
  if (!recipe.clip) {
    const length = (p.inputShape[1] - 1) * recipe.stft.hopLength;
    return { ...recipe, clip: { duration: length / recipe.sr, pad: 'zeros', crop: 'start' } };
  }
  return recipe.clip.crop === 'random' ? { ...recipe, clip: { ...recipe.clip, crop: 'center' } } : recipe;
}

/** The training run's resampler (preprocess.json `extra.resType`), so inference computes the training features. */
export function inferenceResType(p: Preprocess): ResType {
  return p.extra?.resType === 'speex' ? 'speex' : 'soxr_hq';
}

/** Start samples of windows of `length` covering `n` samples, half-overlapping; the last ends at the clip's end. */
export function windowStarts(n: number, length: number): number[] {
  if (n <= length) return [0];
  const hop = Math.max(1, Math.floor(length / 2));
  const starts: number[] = [];
  for (let s = 0; s + length <= n; s += hop) starts.push(s);
  if (starts[starts.length - 1]! + length < n) starts.push(n - length);
  return starts;
}

export interface LabelScore {
  label: string;
  p: number;
}

/** The `k` most probable labels of one row of probabilities, most probable first (ties keep label order). */
export function topLabels(row: ArrayLike<number>, labels: readonly string[], k: number): LabelScore[] {
  return Array.from(row, (p, i) => ({ label: labels[i]!, p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
}
