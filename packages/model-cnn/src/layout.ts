import { resolveCnnSpec, type ModelSpec, type ResolvedCnnSpec } from './spec.js';

/** One layer of a planned network: its output shape per example (no batch axis) and parameter count. */
export interface LayerLayout {
  name: string;
  type: string;
  outputShape: number[];
  params: number;
}

export interface ModelLayout {
  layers: LayerLayout[];
  /** Every weight, batch-norm moving statistics included (as `countParams`). */
  params: number;
  /** Weights the optimiser updates (each gets Adam's two moment tensors). */
  trainableParams: number;
  /** Sum of every layer's output elements for one example (the input included). */
  activations: number;
  /**
   * Output elements of the conv and dense layers for one example (the input included): what
   * backprop must keep at the least, so a lower bound of a training step's memory per example.
   */
  weightedActivations: number;
}

/** The spec cannot take this input: a pooling shrinks an axis to zero (the network is too deep for it). */
export class ModelShapeError extends RangeError {
  override readonly name = 'ModelShapeError';
  constructor(
    message: string,
    /** The layer where the shape runs out. */
    readonly layer: string,
  ) {
    super(message);
  }
}

/**
 * The layers `buildModel` would build for `spec`, computed without tfjs: output shapes and
 * parameter counts, so a caller can reject a network too deep for its input, or too big for the
 * machine, before allocating anything. Mirrors build.ts layer for layer (a test checks both agree).
 */
export function modelLayout(spec: ModelSpec, inputShape: readonly [number, number], nClasses: number): ModelLayout {
  const [nMels, nFrames] = inputShape;
  for (const [axis, n] of [['nMels', nMels], ['nFrames', nFrames]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new ModelShapeError(`input ${axis} must be a positive integer, got ${n}`, 'input');
  }
  const layers: LayerLayout[] = [];
  let trainable = 0;
  const add = (name: string, type: string, outputShape: number[], params: number, trainableParams = params) => {
    layers.push({ name, type, outputShape, params });
    trainable += trainableParams;
  };
  if (spec.name === 'seed-cnn') seedLayout(nMels, nFrames, nClasses, add);
  else cnnLayout(resolveCnnSpec(spec), nMels, nFrames, nClasses, add);
  const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    layers,
    params: layers.reduce((sum, l) => sum + l.params, 0),
    trainableParams: trainable,
    activations: layers.reduce((sum, l) => sum + product(l.outputShape), nMels * nFrames),
    weightedActivations: layers.filter((l) => l.type === 'Conv2D' || l.type === 'Dense').reduce((sum, l) => sum + product(l.outputShape), nMels * nFrames),
  };
}

type Add = (name: string, type: string, outputShape: number[], params: number, trainableParams?: number) => void;

function pooled(n: number, size: number, layer: string, axis: string, input: string): number {
  const out = Math.floor(n / size);
  if (out < 1) throw new ModelShapeError(`${layer} pools ${axis} of size ${n} by ${size} to 0 (input ${input}): the network is too deep for this input`, layer);
  return out;
}

function seedLayout(h: number, w: number, nClasses: number, add: Add): void {
  const input = `${h}×${w}`;
  add('conv1', 'Conv2D', [h, w, 16], 3 * 3 * 16 + 16);
  [h, w] = [pooled(h, 2, 'pool1', 'frequency', input), pooled(w, 2, 'pool1', 'time', input)];
  add('pool1', 'MaxPooling2D', [h, w, 16], 0);
  add('conv2', 'Conv2D', [h, w, 32], 3 * 3 * 16 * 32 + 32);
  [h, w] = [pooled(h, 2, 'pool2', 'frequency', input), pooled(w, 2, 'pool2', 'time', input)];
  add('pool2', 'MaxPooling2D', [h, w, 32], 0);
  const flat = h * w * 32;
  add('flatten', 'Flatten', [flat], 0);
  add('fc1', 'Dense', [128], flat * 128 + 128);
  add('fc2', 'Dense', [nClasses], 128 * nClasses + nClasses);
}

function cnnLayout(spec: ResolvedCnnSpec, h: number, w: number, nClasses: number, add: Add): void {
  const input = `${h}×${w}`;
  let channels = 1;
  spec.channels.forEach((filters, b) => {
    for (let c = 0; c < spec.convsPerBlock; c++) {
      const name = `block${b + 1}_conv${c + 1}`;
      const k = spec.kernelSize;
      add(name, 'Conv2D', [h, w, filters], k * k * channels * filters + (spec.batchNorm ? 0 : filters));
      // gamma, beta train; the moving mean and variance do not.
      if (spec.batchNorm) add(`${name}_bn`, 'BatchNormalization', [h, w, filters], 4 * filters, 2 * filters);
      add(`${name}_relu`, 'ReLU', [h, w, filters], 0);
      channels = filters;
    }
    // As build.ts: pool only while the frequency axis can still shrink; time goes with it.
    if (Math.floor(h / spec.poolSize) >= 1) {
      const name = `block${b + 1}_pool`;
      h = Math.floor(h / spec.poolSize);
      w = pooled(w, spec.poolSize, name, 'time', input);
      add(name, spec.pool === 'max' ? 'MaxPooling2D' : 'AveragePooling2D', [h, w, channels], 0);
    }
    if (spec.blockDropout > 0) add(`block${b + 1}_dropout`, 'SeededDropout', [h, w, channels], 0);
  });
  const pooledWidth = spec.headAxes === 'time' ? h * channels : channels;
  const poolType = spec.headAxes === 'time' ? 'TimePooling' : 'GlobalPooling2D';
  add('gap', poolType, [pooledWidth], 0);
  let units = pooledWidth;
  if (spec.head === 'gap+gmp') {
    add('gmp', poolType, [pooledWidth], 0);
    units = 2 * pooledWidth;
    add('gap_gmp', 'Concatenate', [units], 0);
  }
  if (spec.denseUnits > 0) {
    add('fc1', 'Dense', [spec.denseUnits], units * spec.denseUnits + spec.denseUnits);
    units = spec.denseUnits;
  }
  if (spec.dropout > 0) add('head_dropout', 'SeededDropout', [units], 0);
  add('logits', 'Dense', [nClasses], units * nClasses + nClasses);
}
