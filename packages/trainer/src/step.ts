import * as tf from '@tensorflow/tfjs';
import { setDropoutStep } from '@earshot/model-cnn';
import { weightedCrossEntropySums } from './loss.js';

/** One (shard of a) training batch, in plain arrays so it can cross a worker boundary. */
export interface StepBatch {
  /** n × rows × cols row-major features. */
  data: Float32Array;
  /** n × nClasses soft targets. */
  targets: Float32Array;
  labels: Int32Array;
  rows: number;
  cols: number;
  nClasses: number;
  /** Seed of this step's dropout masks. */
  dropoutSeed: number;
  /** Σ sample weights of the whole global batch: gradients are of lossSum / normalizer. */
  normalizer: number;
  classWeights: number[] | null;
}

export interface StepResult {
  /** Gradient of (this shard's weighted loss sum / global normalizer), per trainable variable. */
  grads: tf.Tensor[];
  /** This shard's weighted loss sum / global normalizer; shards' values add up to the batch loss. */
  loss: number;
  /** Correctly classified examples (argmax vs hard label) in this shard. */
  correct: number;
}

/** Sample weights Σ_c t_ic·w_c summed over the batch (the loss normaliser), in float64. */
export function batchNormalizer(targets: Float32Array, nClasses: number, classWeights: number[] | null): number {
  if (!classWeights) return targets.length / nClasses;
  let sum = 0;
  for (let i = 0; i < targets.length; i++) sum += targets[i]! * classWeights[i % nClasses]!;
  return sum;
}

export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Forward + backward on one batch (training mode: dropout on, batch norm on batch statistics). */
export function computeGradients(model: tf.LayersModel, variables: tf.Variable[], batch: StepBatch): StepResult {
  const n = batch.labels.length;
  setDropoutStep(model, batch.dropoutSeed);
  let logits: tf.Tensor2D | undefined;
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor4d(batch.data, [n, batch.rows, batch.cols, 1]);
    const targets = tf.tensor2d(batch.targets, [n, batch.nClasses]);
    const weights = batch.classWeights ? tf.tensor1d(batch.classWeights) : null;
    return tf.variableGrads(() => {
      logits = tf.keep(model.apply(x, { training: true }) as tf.Tensor2D);
      return weightedCrossEntropySums(logits, targets, weights).lossSum.div(batch.normalizer) as tf.Scalar;
    }, variables);
  });
  const loss = value.dataSync()[0]!;
  const argMax = logits!.argMax(1);
  const predicted = argMax.dataSync();
  let correct = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === batch.labels[i]) correct++;
  tf.dispose([value, logits!, argMax]);
  return { grads: variables.map((v) => grads[v.name]!), loss, correct };
}
