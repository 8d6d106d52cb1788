import type { Rng } from '@earshot/random';

/**
 * Augmentation applied to cached feature tensors (so the cache stays valid). Every draw comes from
 * the trainer's seeded Rng. Order: crop → time shift → frequency masks → time masks → mixup.
 */
export interface AugmentOptions {
  /**
   * Random window of `frames` frames from longer cached examples (validation/predict take the centre).
   * With `trim`, a window never loses sound to silence it could have left out: it holds the whole
   * sounding extent (frames within `trim.below` of the loudest, see {@link soundingExtent}) when
   * that fits, and lies inside it when it does not.
   */
  crop?: { frames: number; trim?: { below: number } };
  /** Random circular shift in time by up to ±maxFrames, applied with probability `p` (default 1). */
  timeShift?: { maxFrames: number; p?: number };
  /** SpecAugment frequency masks: `count` bands of width U{0..maxWidth} set to `value`. */
  freqMask?: { count: number; maxWidth: number; value?: MaskValue };
  /** SpecAugment time masks: `count` spans of width U{0..maxWidth} frames. */
  timeMask?: { count: number; maxWidth: number; value?: MaskValue };
  /** Mixup with λ ~ Beta(alpha, alpha), partner from a seeded permutation of the batch, with probability `p` (default 1). */
  mixup?: { alpha: number; p?: number };
}

/** 'mean' fills masks with the example's own mean (0 after standardisation); a number fills that value. */
export type MaskValue = 'mean' | number;

export interface AugmentedBatch {
  data: Float32Array;
  /** Row-major batch × nClasses soft targets (one-hot unless mixup mixed them). */
  targets: Float32Array;
}

/** Copies the centre (or `start`) window of `frames` frames out of each example. */
export function cropFrames(data: Float32Array, n: number, rows: number, cols: number, frames: number, starts?: ArrayLike<number>): Float32Array {
  if (frames > cols) throw new RangeError(`cannot crop ${frames} frames from examples of ${cols} frames`);
  if (frames === cols) return data;
  const out = new Float32Array(n * rows * frames);
  for (let i = 0; i < n; i++) {
    const start = starts ? starts[i]! : Math.floor((cols - frames) / 2);
    for (let r = 0; r < rows; r++) {
      const from = (i * rows + r) * cols + start;
      out.set(data.subarray(from, from + frames), (i * rows + r) * frames);
    }
  }
  return out;
}

/**
 * `[first, last]` sounding frame of example `i` (n × rows × cols): the span `librosa.effects.trim`
 * would keep, on the features themselves. A frame's loudness is its mean over rows (dB bands); frames
 * more than `below` under the loudest frame's are silence. `below` is in the data's units: dB for
 * dB features, dB / std for standardised ones.
 */
export function soundingExtent(data: Float32Array, i: number, rows: number, cols: number, below: number): [number, number] {
  const loudness = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = (i * rows + r) * cols;
    for (let c = 0; c < cols; c++) loudness[c]! += data[base + c]! / rows;
  }
  let max = -Infinity;
  for (const v of loudness) if (v > max) max = v;
  if (!Number.isFinite(max)) return [0, cols - 1]; // nothing to judge by (NaN or ±∞ everywhere)
  const threshold = max - below;
  let first = 0;
  while (!(loudness[first]! >= threshold)) first++;
  let last = cols - 1;
  while (!(loudness[last]! >= threshold)) last--;
  return [first, last];
}

/**
 * The window starts (both ends included) that keep a sounding extent: every window holding all of
 * it when it fits in `frames`, else every window inside it. Never empty.
 */
export function trimmedStarts([first, last]: [number, number], cols: number, frames: number): [number, number] {
  if (last - first + 1 <= frames) return [Math.max(0, last - frames + 1), Math.min(first, cols - frames)];
  return [first, last - frames + 1];
}

export function oneHot(labels: ArrayLike<number>, nClasses: number): Float32Array {
  const t = new Float32Array(labels.length * nClasses);
  for (let i = 0; i < labels.length; i++) t[i * nClasses + labels[i]!] = 1;
  return t;
}

/**
 * Augments one training batch in place where possible. `data` is n × rows × cols; the result has
 * `crop.frames` columns when cropping.
 */
export function augmentBatch(
  input: Float32Array,
  labels: ArrayLike<number>,
  shape: { rows: number; cols: number; nClasses: number },
  options: AugmentOptions,
  rng: Rng,
): AugmentedBatch {
  const n = labels.length;
  const { rows, nClasses } = shape;
  let cols = shape.cols;
  let data = input;
  if (options.crop) {
    const frames = options.crop.frames;
    if (frames > cols) throw new RangeError(`augment.crop.frames = ${frames} exceeds the cached example length ${cols}`);
    const trim = options.crop.trim;
    if (trim && !(trim.below >= 0)) throw new RangeError(`augment.crop.trim.below = ${trim.below} must be a level ≥ 0 under the loudest frame`);
    const starts = Array.from({ length: n }, (_, i) => {
      if (!trim) return rng.int(cols - frames + 1);
      const [low, high] = trimmedStarts(soundingExtent(data, i, rows, cols, trim.below), cols, frames);
      return rng.intInclusive(low, high);
    });
    data = cropFrames(data, n, rows, cols, frames, starts);
    cols = frames;
  }
  const size = rows * cols;
  if (options.timeShift) {
    const { maxFrames, p = 1 } = options.timeShift;
    const row = new Float32Array(cols);
    for (let i = 0; i < n; i++) {
      if (!rng.chance(p)) continue;
      const shift = rng.int(2 * maxFrames + 1) - maxFrames;
      if (shift === 0) continue;
      for (let r = 0; r < rows; r++) {
        const base = i * size + r * cols;
        for (let c = 0; c < cols; c++) row[(((c + shift) % cols) + cols) % cols] = data[base + c]!;
        data.set(row, base);
      }
    }
  }
  const fill = (i: number, value: MaskValue | undefined): number => {
    if (typeof value === 'number') return value;
    let sum = 0;
    for (let k = i * size; k < (i + 1) * size; k++) sum += data[k]!;
    return sum / size;
  };
  if (options.freqMask) {
    const { count, maxWidth, value = 'mean' } = options.freqMask;
    for (let i = 0; i < n; i++) {
      const v = fill(i, value);
      for (let m = 0; m < count; m++) {
        const width = rng.int(Math.min(maxWidth, rows) + 1);
        const start = rng.int(rows - width + 1);
        data.fill(v, i * size + start * cols, i * size + (start + width) * cols);
      }
    }
  }
  if (options.timeMask) {
    const { count, maxWidth, value = 'mean' } = options.timeMask;
    for (let i = 0; i < n; i++) {
      const v = fill(i, value);
      for (let m = 0; m < count; m++) {
        const width = rng.int(Math.min(maxWidth, cols) + 1);
        const start = rng.int(cols - width + 1);
        for (let r = 0; r < rows; r++) data.fill(v, i * size + r * cols + start, i * size + r * cols + start + width);
      }
    }
  }
  let targets = oneHot(labels, nClasses);
  if (options.mixup && n > 1) {
    const { alpha, p = 1 } = options.mixup;
    const partner = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const mixed = new Float32Array(data.length);
    const mixedTargets = new Float32Array(targets.length);
    for (let i = 0; i < n; i++) {
      const j = partner[i]!;
      const lambda = rng.chance(p) ? rng.beta(alpha) : 1;
      for (let k = 0; k < size; k++) mixed[i * size + k] = lambda * data[i * size + k]! + (1 - lambda) * data[j * size + k]!;
      for (let c = 0; c < nClasses; c++) mixedTargets[i * nClasses + c] = lambda * targets[i * nClasses + c]! + (1 - lambda) * targets[j * nClasses + c]!;
    }
    data = mixed;
    targets = mixedTargets;
  }
  return { data, targets };
}
