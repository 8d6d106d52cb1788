import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@earshot/random';

/**
 * How a layer's weights are drawn.
 * - 'torch': PyTorch's default for Conv2d/Linear, kaiming_uniform(a=√5), i.e. U(±1/√fanIn) for the
 *   kernel and the same bound for the bias.
 * - 'he': He-uniform U(±√(6/fanIn)) kernel and zero bias, for ReLU stacks with batch norm.
 */
export type InitScheme = 'torch' | 'he';

/**
 * Overwrites every weight of `model` with values drawn from `Xoshiro128(seed)` (@earshot/random), in layer order, so the
 * same seed gives bit-identical weights on any backend. Batch-norm statistics get their
 * identity values (gamma 1, beta 0, moving mean 0, moving variance 1).
 */
export function initializeWeights(model: tf.LayersModel, seed: number, schemes: Map<string, InitScheme>): void {
  const rng = new Xoshiro128(seed);
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const className = layer.getClassName();
    let values: Float32Array[];
    if (className === 'Conv2D' || className === 'Dense') {
      const kernelShape = weights[0]!.shape;
      const fanIn = kernelShape.slice(0, -1).reduce((a, b) => a * b, 1);
      const scheme = schemes.get(layer.name) ?? 'torch';
      const bound = scheme === 'torch' ? 1 / Math.sqrt(fanIn) : Math.sqrt(6 / fanIn);
      values = weights.map((w, i) => {
        const out = new Float32Array(w.size);
        if (i === 1 && scheme === 'he') return out;
        for (let k = 0; k < out.length; k++) out[k] = rng.uniform(-bound, bound);
        return out;
      });
    } else if (className === 'BatchNormalization') {
      // Weight order in tfjs: gamma, beta, movingMean, movingVariance (gamma/beta when enabled).
      values = layer.weights.map((w, i) => {
        const fill = /gamma|moving_variance/.test(w.originalName) ? 1 : 0;
        return new Float32Array(weights[i]!.size).fill(fill);
      });
    } else {
      throw new Error(`initializeWeights: no seeded initialiser for layer ${layer.name} (${className})`);
    }
    const tensors = values.map((v, i) => tf.tensor(v, weights[i]!.shape, 'float32'));
    layer.setWeights(tensors);
    tf.dispose(tensors); // getWeights() returns the live variables: never dispose those
  }
}
