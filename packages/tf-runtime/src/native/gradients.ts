import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_GRAD, perChannel } from './batch-norm.js';

/**
 * Gradients the native runtime computes differently, with the same values: tfjs' own stay in
 * force on every other backend (the registry is global, so each override checks `active`).
 * - Mean: dy/n broadcast (Tile), not dy·ones(x)/n, whose ones tensor is filled in JS and copied into
 *   the heap per batch-norm layer per step (3.3 s of an esc50-strong step).
 * - FusedBatchNorm: one two-pass kernel instead of ~10 full-size elementwise ops and 4 sums.
 */
let active = false;
let installed = false;

function isActive(): boolean {
  return active && tf.getBackend() === 'wasm';
}

export function setNativeGradients(on: boolean): void {
  if (on && !installed) install();
  active = on;
}

function install(): void {
  const mean = tf.getGradient('Mean');
  const batchNorm = tf.getGradient('FusedBatchNorm');
  if (mean === undefined || batchNorm === undefined) throw new Error('tf-runtime: tfjs has no Mean or FusedBatchNorm gradient to replace');
  tf.registerGradient({
    ...mean,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      if (!isActive() || Array.isArray(dy) || x === undefined) return mean.gradFunc(dy, saved, attrs);
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const count = axes.reduce((p, a) => p * x.shape[a]!, 1);
      const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy, keptShape), count), x.shape) };
    },
  });
  tf.registerGradient({
    ...batchNorm,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      if (!isActive() || Array.isArray(dy) || !x || !mean || !variance || !perChannel(x, mean, variance, scale ?? undefined)) {
        return batchNorm.gradFunc(dy, saved, attrs);
      }
      // Computed here, not in the per-input closures: tfjs tidies each closure's call, which would
      // dispose the outputs the other closures return. Unused ones go with the gradient's scope.
      const grads = tf.engine().runKernel(BATCH_NORM_GRAD, { x, dy, mean, variance, ...(scale ? { scale } : {}) },
        { varianceEpsilon: attrs['varianceEpsilon'] } as unknown as tf.NamedAttrMap) as tf.Tensor[];
      const run = (i: number) => () => grads[i]!;
      return { x: run(0), mean: run(1), variance: run(2), scale: run(3), offset: run(4) };
    },
  });
  installed = true;
}
