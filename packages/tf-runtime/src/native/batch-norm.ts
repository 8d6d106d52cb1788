import type { TensorInfo } from '../kernels/wasm-ops.js';
import { heap } from './heap.js';
import type { NativeKernel } from './kernels.js';

/** The kernel behind the native FusedBatchNorm gradient (see gradients.ts); not a tfjs kernel. */
export const BATCH_NORM_GRAD = 'EarshotFusedBatchNormGrad';

/** Per-channel statistics over the last axis of float32 x: each given one holds exactly x's channel count. */
export function perChannel(x: TensorInfo, ...stats: Array<TensorInfo | undefined>): boolean {
  const channels = x.shape[x.shape.length - 1];
  return x.dtype === 'float32' && channels !== undefined && stats.every((s) => s === undefined
    || (s.dtype === 'float32' && s.shape[s.shape.length - 1] === channels && s.shape.reduce((p, d) => p * d, 1) === channels));
}

const optionalView = (backend: Parameters<NativeKernel>[3], t: TensorInfo | undefined): Float32Array | null =>
  t === undefined ? null : heap(backend, t)[0]!;

/** FusedBatchNorm (with the batch's statistics in training): one pass. */
export const batchNorm: NativeKernel = (dnnl, { x, mean, variance, offset, scale }, attrs, backend) => {
  if (!perChannel(x!, mean!, variance!, offset, scale)) return null;
  const y = backend.makeOutput(x!.shape, 'float32');
  const [xs, means, variances, ys] = heap(backend, x!, mean!, variance!, y);
  dnnl.batchNorm(xs!, means!, variances!, optionalView(backend, offset), optionalView(backend, scale), ys!,
    x!.shape[x!.shape.length - 1]!, attrs['varianceEpsilon'] as number);
  return y;
};

/** [dx, dMean, dVariance, dScale, dOffset] of FusedBatchNorm, as tfjs' gradient defines them. */
export const batchNormGrad: NativeKernel = (dnnl, { x, dy, mean, variance, scale }, attrs, backend) => {
  const [dx, dMean, dVariance, dScale, dOffset] = [x!.shape, mean!.shape, mean!.shape, mean!.shape, mean!.shape]
    .map((shape) => backend.makeOutput(shape, 'float32'));
  const views = heap(backend, x!, dy!, mean!, variance!, dx!, dMean!, dVariance!, dScale!, dOffset!);
  const [xs, dys, means, variances, dxs, dMeans, dVariances, dScales, dOffsets] = views;
  dnnl.batchNormGrad(xs!, dys!, means!, variances!, optionalView(backend, scale), dxs!, dMeans!, dVariances!, dScales!, dOffsets!,
    x!.shape[x!.shape.length - 1]!, attrs['varianceEpsilon'] as number);
  return [dx!, dMean!, dVariance!, dScale!, dOffset!];
};
