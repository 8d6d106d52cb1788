import type * as tf from '@tensorflow/tfjs';
import type { ConvGeometry, MatMulGeometry, PoolGeometry } from '@earshot/native';

type ConvInfo = tf.backend_util.Conv2DInfo;

/** tfjs' conv info as the addon takes it (pads flattened). */
export function convGeometry(info: ConvInfo): ConvGeometry {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
    strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  return {
    batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
    strideHeight, strideWidth, dilationHeight, dilationWidth,
    padTop: padInfo.top, padBottom: padInfo.bottom, padLeft: padInfo.left, padRight: padInfo.right,
  };
}

/** tfjs' pooling info as the addon takes it. */
export function poolGeometry(info: ConvInfo): PoolGeometry {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, effectiveFilterHeight, effectiveFilterWidth,
    strideHeight, strideWidth, padInfo } = info;
  return {
    batchSize, inHeight, inWidth, inChannels, outHeight, outWidth,
    filterHeight: effectiveFilterHeight, filterWidth: effectiveFilterWidth, strideHeight, strideWidth,
    padTop: padInfo.top, padBottom: padInfo.bottom, padLeft: padInfo.left, padRight: padInfo.right,
  };
}

/** A product's geometry and output shape, or null when its batches do not broadcast as one side of 1. */
export function matMulGeometry(
  aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean,
): { geometry: MatMulGeometry; outShape: number[] } | null {
  if (aShape.length < 2 || bShape.length < 2) return null;
  const last = (shape: readonly number[], i: number) => shape[shape.length - i]!;
  const [m, k] = transposeA ? [last(aShape, 1), last(aShape, 2)] : [last(aShape, 2), last(aShape, 1)];
  const [kB, n] = transposeB ? [last(bShape, 1), last(bShape, 2)] : [last(bShape, 2), last(bShape, 1)];
  if (k !== kB) return null; // the fallback reports the mismatch
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batchA = aBatch.reduce((p, d) => p * d, 1);
  const batchB = bBatch.reduce((p, d) => p * d, 1);
  const sameBatch = aBatch.length === bBatch.length && aBatch.every((d, i) => d === bBatch[i]);
  const [outBatch, shared] = batchA >= batchB ? [aBatch, bBatch] : [bBatch, aBatch];
  if (!sameBatch && (Math.min(batchA, batchB) !== 1 || shared.length > outBatch.length)) return null;
  if ([m, k, n, batchA, batchB].some((d) => d < 1)) return null;
  return { geometry: { batchA, batchB, m, k, n, transposeA, transposeB }, outShape: [...outBatch, m, n] };
}
