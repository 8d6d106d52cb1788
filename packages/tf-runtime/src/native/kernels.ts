import * as tf from '@tensorflow/tfjs';
import type { DnnlBinding } from '@earshot/native';
import { leadingAxesReduction } from '../kernels/sum.js';
import type { Attrs, Inputs, TensorInfo } from '../kernels/wasm-ops.js';
import { BATCH_NORM_GRAD, batchNorm, batchNormGrad } from './batch-norm.js';
import { convGeometry, matMulGeometry, poolGeometry } from './geometry.js';
import { heap, type Backend } from './heap.js';

/** A tfjs kernel on oneDNN or in C++; null hands the call to the wasm kernel it replaced. */
export type NativeKernel = (dnnl: DnnlBinding, inputs: Inputs, attrs: Attrs, backend: Backend) => TensorInfo | TensorInfo[] | null;

const allFloat32 = (...tensors: Array<TensorInfo | undefined>): boolean =>
  tensors.every((t) => t === undefined || t.dtype === 'float32');

/** A bias the conv/matmul primitives can fuse: one value per output channel. */
const channelBias = (bias: TensorInfo | undefined, channels: number): boolean =>
  bias === undefined || (bias.shape.reduce((p, d) => p * d, 1) === channels && bias.shape[bias.shape.length - 1] === channels);

/** Fused activations oneDNN applies as a post-op here. */
const fusableActivation = (activation: unknown): activation is 'linear' | 'relu' | undefined =>
  activation === undefined || activation === 'linear' || activation === 'relu';

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs, dilations: number | [number, number] = 1) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs['strides'] as [number, number], dilations, attrs['pad'] as 'same', attrs['dimRoundingMode'] as 'floor', false,
    tf.backend_util.convertConv2DDataFormat(attrs['dataFormat'] as 'NHWC'));
}

const channelsLast = (attrs: Attrs): boolean => attrs['dataFormat'] === undefined || attrs['dataFormat'] === 'NHWC';

/** Conv2D and FusedConv2D (bias and ReLU fused as oneDNN post-ops). */
const conv2d: NativeKernel = (dnnl, { x, filter, bias, preluActivationWeights }, attrs, backend) => {
  if (!channelsLast(attrs) || !allFloat32(x, filter, bias) || preluActivationWeights !== undefined) return null;
  if (!fusableActivation(attrs['activation'])) return null;
  const info = convInfo(x!.shape, filter!.shape, attrs, attrs['dilations'] as [number, number]);
  if (!channelBias(bias, info.outChannels)) return null;
  const y = backend.makeOutput(info.outShape, 'float32');
  const [xs, fs, ys] = heap(backend, x!, filter!, y);
  dnnl.conv2dForward(xs!, fs!, bias === undefined ? null : heap(backend, bias)[0]!, ys!, convGeometry(info), attrs['activation'] === 'relu');
  return y;
};

const conv2dBackpropInput: NativeKernel = (dnnl, { dy, filter }, attrs, backend) => {
  if (!channelsLast(attrs) || !allFloat32(dy, filter)) return null;
  const inputShape = attrs['inputShape'] as number[];
  const info = convInfo(inputShape, filter!.shape, attrs);
  const dx = backend.makeOutput(inputShape, 'float32');
  const [dys, fs, dxs] = heap(backend, dy!, filter!, dx);
  dnnl.conv2dBackwardData(dys!, fs!, dxs!, convGeometry(info));
  return dx;
};

const conv2dBackpropFilter: NativeKernel = (dnnl, { x, dy }, attrs, backend) => {
  if (!channelsLast(attrs) || !allFloat32(x, dy)) return null;
  const filterShape = attrs['filterShape'] as number[];
  const info = convInfo(x!.shape, filterShape, attrs);
  const dw = backend.makeOutput(filterShape, 'float32');
  const [xs, dys, dws] = heap(backend, x!, dy!, dw);
  dnnl.conv2dBackwardFilter(xs!, dys!, dws!, convGeometry(info));
  return dw;
};

/** BatchMatMul and _FusedMatMul: transposes as strides (no copies), bias and ReLU fused. */
const matMul: NativeKernel = (dnnl, { a, b, bias, preluActivationWeights }, attrs, backend) => {
  if (!allFloat32(a, b, bias) || preluActivationWeights !== undefined || !fusableActivation(attrs['activation'])) return null;
  const product = matMulGeometry(a!.shape, b!.shape, attrs['transposeA'] === true, attrs['transposeB'] === true);
  if (product === null || !channelBias(bias, product.geometry.n)) return null;
  const c = backend.makeOutput(product.outShape, 'float32');
  const [as, bs, cs] = heap(backend, a!, b!, c);
  dnnl.matMul(as!, bs!, bias === undefined ? null : heap(backend, bias)[0]!, cs!, product.geometry, attrs['activation'] === 'relu');
  return c;
};

function poolInfo(xShape: number[], attrs: Attrs) {
  return tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number], attrs['filterSize'] as [number, number],
    attrs['strides'] as [number, number], 1, attrs['pad'] as 'same', attrs['dimRoundingMode'] as 'floor');
}

const maxPool: NativeKernel = (dnnl, { x }, attrs, backend) => {
  if (!allFloat32(x)) return null;
  const info = poolInfo(x!.shape, attrs);
  const y = backend.makeOutput(info.outShape, 'float32');
  const [xs, ys] = heap(backend, x!, y);
  dnnl.maxPool(xs!, ys!, poolGeometry(info));
  return y;
};

const maxPoolGrad: NativeKernel = (dnnl, { dy, input }, attrs, backend) => {
  if (!allFloat32(dy, input)) return null;
  const info = poolInfo(input!.shape, attrs);
  const dx = backend.makeOutput(input!.shape, 'float32');
  const [xs, dys, dxs] = heap(backend, input!, dy!, dx);
  dnnl.maxPoolGrad(xs!, dys!, dxs!, poolGeometry(info));
  return dx;
};

/** Sum or mean over all but the last axis (bias gradients, batch-norm statistics); other reductions stay on wasm. */
const leadingAxes = (mean: boolean): NativeKernel => (dnnl, { x }, attrs, backend) => {
  const reduction = leadingAxesReduction(x!, attrs['axis'] as number | number[], attrs['keepDims'] === true);
  if (reduction === null) return null;
  const out = backend.makeOutput(reduction.outShape, 'float32');
  const [xs, outs] = heap(backend, x!, out);
  dnnl.sumLeadingAxes(xs!, outs!, reduction.channels, mean ? reduction.rows : 1);
  return out;
};

/** tfjs kernel name → its oneDNN implementation, and what it does. */
export const NATIVE_KERNELS: ReadonlyArray<{ name: string; description: string; kernel: NativeKernel }> = [
  { name: 'Conv2D', description: 'oneDNN convolution, NHWC in place', kernel: conv2d },
  { name: 'FusedConv2D', description: 'oneDNN convolution with bias and ReLU as post-ops', kernel: conv2d },
  { name: 'Conv2DBackpropInput', description: 'oneDNN convolution backward data', kernel: conv2dBackpropInput },
  { name: 'Conv2DBackpropFilter', description: 'oneDNN convolution backward weights', kernel: conv2dBackpropFilter },
  { name: 'BatchMatMul', description: 'oneDNN matmul, transposes as strides', kernel: matMul },
  { name: '_FusedMatMul', description: 'oneDNN matmul with bias and ReLU as post-ops', kernel: matMul },
  { name: 'MaxPool', description: 'oneDNN max pooling', kernel: maxPool },
  { name: 'MaxPoolGrad', description: 'C++ pass over the windows, first maximum (as cpu)', kernel: maxPoolGrad },
  { name: 'Sum', description: 'C++ sum over leading axes (bias gradients), float64 accumulators', kernel: leadingAxes(false) },
  { name: 'Mean', description: 'C++ mean over leading axes (batch-norm statistics), float64 accumulators', kernel: leadingAxes(true) },
  { name: 'FusedBatchNorm', description: 'C++ per-channel normalisation, one pass', kernel: batchNorm },
  { name: BATCH_NORM_GRAD, description: 'the FusedBatchNorm gradient in two passes (tfjs: ~10 elementwise ops + 4 sums)', kernel: batchNormGrad },
];
