import * as tf from '@tensorflow/tfjs';

/**
 * Class weights `n / (nClasses · count_c)` (scikit-learn's 'balanced', PyTorch's usual recipe);
 * a class absent from the labels gets weight 0.
 */
export function balancedClassWeights(labels: ArrayLike<number>, nClasses: number): number[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (nClasses * c)));
}

/**
 * Sum over the batch of `s_i · CE_i` and the sum of `s_i`, where CE_i = −Σ_c t_ic·log softmax(z_i)_c
 * and the sample weight s_i = Σ_c t_ic·w_c (1 without class weights). The mean loss is their ratio;
 * for hard labels it equals PyTorch's CrossEntropyLoss(weight=w). Returning the sums lets
 * data-parallel shards combine exactly.
 */
export function weightedCrossEntropySums(
  logits: tf.Tensor2D,
  targets: tf.Tensor2D,
  classWeights: tf.Tensor1D | null,
): { lossSum: tf.Scalar; weightSum: tf.Scalar } {
  return tf.tidy(() => {
    const perSample = targets.mul(tf.logSoftmax(logits)).sum(1).neg();
    if (!classWeights) return { lossSum: perSample.sum() as tf.Scalar, weightSum: tf.scalar(targets.shape[0]) };
    const sampleWeights = targets.mul(classWeights).sum(1);
    return { lossSum: perSample.mul(sampleWeights).sum() as tf.Scalar, weightSum: sampleWeights.sum() as tf.Scalar };
  });
}
