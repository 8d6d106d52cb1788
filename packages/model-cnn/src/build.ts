import * as tf from '@tensorflow/tfjs';
import { SeededDropout } from './dropout.js';
import { TimePooling } from './time-pooling.js';
import { initializeWeights, type InitScheme } from './init.js';
import { resolveCnnSpec, type BuildOptions, type ModelSpec, type ResolvedCnnSpec } from './spec.js';

/**
 * Builds the network for `spec`: input NHWC `[nMels, nFrames, 1]`, output logits (no softmax; the
 * trainer applies softmax cross-entropy). Weights are initialised from `seed` by earshot itself.
 */
export function buildModel(spec: ModelSpec, options: BuildOptions): tf.LayersModel {
  const [nMels, nFrames] = options.inputShape;
  if (!Number.isInteger(nMels) || nMels < 1) throw new RangeError(`inputShape[0] (nMels) must be a positive integer, got ${nMels}`);
  if (nFrames !== null && (!Number.isInteger(nFrames) || nFrames < 1)) {
    throw new RangeError(`inputShape[1] (nFrames) must be a positive integer or null, got ${nFrames}`);
  }
  if (!Number.isInteger(options.nClasses) || options.nClasses < 2) {
    throw new RangeError(`nClasses must be an integer ≥ 2, got ${options.nClasses}`);
  }
  const schemes = new Map<string, InitScheme>();
  const model =
    spec.name === 'seed-cnn'
      ? buildSeedCnn(nMels, nFrames, options.nClasses)
      : spec.name === 'cnn'
        ? buildCnn(resolveCnnSpec(spec), nMels, nFrames, options.nClasses, options.seed, schemes)
        : unknownSpec(spec);
  initializeWeights(model, options.seed, schemes);
  return model;
}

function unknownSpec(spec: never): never {
  throw new Error(`unknown model spec name ${JSON.stringify((spec as { name?: unknown }).name)} (expected 'seed-cnn' or 'cnn')`);
}

function buildSeedCnn(nMels: number, nFrames: number | null, nClasses: number): tf.LayersModel {
  if (nFrames === null) throw new RangeError('seed-cnn has a flatten + fc layer, so it needs a fixed nFrames');
  if (Math.floor(Math.floor(nMels / 2) / 2) < 1 || Math.floor(Math.floor(nFrames / 2) / 2) < 1) {
    throw new RangeError(`seed-cnn needs an input of at least 4×4, got ${nMels}×${nFrames}`);
  }
  const zeros = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;
  // Max-pool 2 with 'valid' padding floors odd sizes, as PyTorch's MaxPool2d(2).
  return tf.sequential({
    name: 'seed_cnn',
    layers: [
      tf.layers.conv2d({ name: 'conv1', inputShape: [nMels, nFrames, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', ...zeros }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2, padding: 'valid' }),
      tf.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', ...zeros }),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2, padding: 'valid' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'fc1', units: 128, activation: 'relu', ...zeros }),
      tf.layers.dense({ name: 'fc2', units: nClasses, ...zeros }),
    ],
  });
}

function buildCnn(
  spec: ResolvedCnnSpec,
  nMels: number,
  nFrames: number | null,
  nClasses: number,
  seed: number,
  schemes: Map<string, InitScheme>,
): tf.LayersModel {
  const input = tf.input({ shape: [nMels, nFrames, 1], name: 'input' });
  let x: tf.SymbolicTensor = input;
  let dropoutIndex = 0;
  const dropout = (rate: number, name: string) => new SeededDropout({ rate, seed: (seed ^ (++dropoutIndex * 0x9e3779b9)) >>> 0, name });
  let height = nMels;
  spec.channels.forEach((filters, b) => {
    for (let c = 0; c < spec.convsPerBlock; c++) {
      const name = `block${b + 1}_conv${c + 1}`;
      schemes.set(name, 'he');
      x = tf.layers
        .conv2d({ name, filters, kernelSize: spec.kernelSize, padding: 'same', useBias: !spec.batchNorm, kernelInitializer: 'zeros', biasInitializer: 'zeros' })
        .apply(x) as tf.SymbolicTensor;
      if (spec.batchNorm) x = tf.layers.batchNormalization({ name: `${name}_bn`, axis: -1, momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `${name}_relu` }).apply(x) as tf.SymbolicTensor;
    }
    // Pool only while the frequency axis can still shrink; time is pooled as long as frequency is.
    if (Math.floor(height / spec.poolSize) >= 1) {
      const poolArgs = { name: `block${b + 1}_pool`, poolSize: spec.poolSize, strides: spec.poolSize, padding: 'valid' as const };
      x = (spec.pool === 'max' ? tf.layers.maxPooling2d(poolArgs) : tf.layers.averagePooling2d(poolArgs)).apply(x) as tf.SymbolicTensor;
      height = Math.floor(height / spec.poolSize);
    }
    if (spec.blockDropout > 0) x = dropout(spec.blockDropout, `block${b + 1}_dropout`).apply(x) as tf.SymbolicTensor;
  });
  x = buildHead(x, spec);
  if (spec.denseUnits > 0) {
    schemes.set('fc1', 'he');
    x = tf.layers.dense({ name: 'fc1', units: spec.denseUnits, activation: 'relu', kernelInitializer: 'zeros' }).apply(x) as tf.SymbolicTensor;
  }
  if (spec.dropout > 0) x = dropout(spec.dropout, 'head_dropout').apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: 'logits', units: nClasses, kernelInitializer: 'zeros' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ name: 'cnn', inputs: input, outputs: logits });
}

/** Global pooling (average, or average ‖ max) over frequency and time, or over time only. */
function buildHead(x: tf.SymbolicTensor, spec: ResolvedCnnSpec): tf.SymbolicTensor {
  const overTime = spec.headAxes === 'time';
  const average = (overTime ? new TimePooling({ statistic: 'mean', name: 'gap' }) : tf.layers.globalAveragePooling2d({ name: 'gap' })).apply(x) as tf.SymbolicTensor;
  if (spec.head === 'gap') return average;
  const max = (overTime ? new TimePooling({ statistic: 'max', name: 'gmp' }) : tf.layers.globalMaxPooling2d({ name: 'gmp' })).apply(x) as tf.SymbolicTensor;
  return tf.layers.concatenate({ name: 'gap_gmp' }).apply([average, max]) as tf.SymbolicTensor;
}
