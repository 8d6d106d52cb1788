import * as tf from '@tensorflow/tfjs';
import type { WasmOps, TensorInfo } from './wasm-ops.js';

/**
 * dx of max pooling: each window's dy goes to the first maximum of its window (row-major
 * scan, as the cpu backend). Written in JS over the wasm heap, channels innermost so the
 * scan is sequential; the stock C++ kernel revisits every window per input pixel.
 */
export function maxPoolGrad(
  ops: WasmOps,
  dy: TensorInfo,
  input: TensorInfo,
  attrs: tf.MaxPoolGradAttrs,
): TensorInfo {
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1,
    attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth,
    strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const out = ops.backend.makeOutput(input.shape, 'float32');
  // Views taken after the last allocation: a heap growth would detach them.
  const dx = ops.backend.typedArrayFromHeap(out) as Float32Array;
  const x = ops.backend.typedArrayFromHeap(input) as Float32Array;
  const g = ops.backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);

  const best = new Float32Array(channels);
  const where = new Int32Array(channels);
  const rowStride = inWidth * channels;
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - padTop;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - padLeft;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + fw);
        best.fill(-Infinity);
        where.fill(-1);
        for (let yy = yStart; yy < yEnd; yy++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const base = xBatch + yy * rowStride + xx * channels;
            for (let c = 0; c < channels; c++) {
              const v = x[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        const gBase = ((b * outHeight + oy) * outWidth + ox) * channels;
        for (let c = 0; c < channels; c++) {
          const at = where[c]!;
          if (at >= 0) dx[at] = dx[at]! + g[gBase + c]!;
        }
      }
    }
  }
  return out;
}
