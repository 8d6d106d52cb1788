/** Adam hyper-parameters, as the trainer's `Adam` holds them. */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** A trainable variable's place in the flat gradient/moment vector and in the shared weight buffer. */
export interface Segment {
  flatStart: number;
  weightOffset: number;
  size: number;
}

export interface ShardedAdamStep {
  /** The flat range [lo, hi) this caller updates. */
  lo: number;
  hi: number;
  /** Adam's step count after this update (1 for the first). */
  t: number;
  lr: number;
  hyper: AdamHyper;
  /** `slots` gradient vectors of `flatSize` values each, back to back: one per shard. */
  grads: Float32Array;
  slots: number;
  flatSize: number;
  m: Float32Array;
  v: Float32Array;
  weights: Float32Array;
  segments: readonly Segment[];
}

/**
 * Sums the shards' gradients and applies PyTorch's Adam update (the same formula as the trainer's
 * `Adam.apply`, moments stored in float32) to one range of the parameters, in place. Workers each
 * take a disjoint range, so the optimizer step runs on every core and needs no tensors.
 */
export function shardedAdamStep(s: ShardedAdamStep): void {
  const { beta1, beta2, epsilon, weightDecay } = s.hyper;
  const stepSize = s.lr / (1 - beta1 ** s.t);
  const sqrtBc2 = Math.sqrt(1 - beta2 ** s.t);
  const decay = s.lr * weightDecay;
  const { grads, m, v, weights, flatSize, slots } = s;
  for (const seg of s.segments) {
    const from = Math.max(s.lo, seg.flatStart);
    const to = Math.min(s.hi, seg.flatStart + seg.size);
    const toWeight = seg.weightOffset - seg.flatStart;
    for (let i = from; i < to; i++) {
      let g = grads[i]!;
      for (let k = 1; k < slots; k++) g += grads[k * flatSize + i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      const w = i + toWeight;
      const p = weights[w]!;
      weights[w] = p - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / sqrtBc2 + epsilon) - (decay > 0 ? p * decay : 0);
    }
  }
}
