import * as tf from '@tensorflow/tfjs';
import { cropFrames } from './augment.js';
import { readBatch, type BatchSource } from './source.js';

export interface Evaluation {
  /** Mean (unweighted) softmax cross-entropy. */
  loss: number;
  accuracy: number;
  /** Row-major n × nClasses probabilities. */
  probs: Float32Array;
}

/** Number of frames the model expects, or null when it accepts any length. */
export function modelFrames(model: tf.LayersModel): number | null {
  const shape = model.inputs[0]!.shape;
  return shape[2] ?? null;
}

/**
 * Softmax probabilities for every example of `source`, in order (n × nClasses, row-major).
 * Examples longer than the model's fixed input are centre-cropped.
 */
export async function predict(model: tf.LayersModel, source: BatchSource, batchSize = 64): Promise<Float32Array> {
  return (await run(model, source, batchSize, false)).probs;
}

/** Loss, accuracy and probabilities over `source` in inference mode. */
export async function evaluate(model: tf.LayersModel, source: BatchSource, batchSize = 64): Promise<Evaluation> {
  return run(model, source, batchSize, true);
}

async function run(model: tf.LayersModel, source: BatchSource, batchSize: number, withLoss: boolean): Promise<Evaluation> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const nClasses = model.outputs[0]!.shape[1]!;
  const [rows, cols] = source.sampleShape;
  const frames = modelFrames(model) ?? cols;
  const probs = new Float32Array(source.size * nClasses);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < source.size; start += batchSize) {
    const n = Math.min(batchSize, source.size - start);
    const indices = Int32Array.from({ length: n }, (_, i) => start + i);
    const data = cropFrames(await readBatch(source, indices), n, rows, cols, frames);
    const p = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(data, [n, rows, frames, 1]), { training: false }) as tf.Tensor2D;
      if (withLoss) {
        const labels = tf.tensor1d(source.labels.subarray(start, start + n), 'int32');
        const nll = tf.logSoftmax(logits).mul(tf.oneHot(labels, nClasses)).sum(1).neg().sum();
        lossSum += nll.dataSync()[0]!;
      }
      return tf.softmax(logits);
    });
    const values = p.dataSync() as Float32Array;
    p.dispose();
    probs.set(values, start * nClasses);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < nClasses; c++) if (values[i * nClasses + c]! > values[i * nClasses + best]!) best = c;
      if (best === source.labels[start + i]) correct++;
    }
  }
  return { loss: source.size ? lossSum / source.size : 0, accuracy: source.size ? correct / source.size : 0, probs };
}
