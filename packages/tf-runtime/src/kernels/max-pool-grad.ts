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
  if (fh === 2 && fw === 2 && strideHeight === 2 && strideWidth === 2 && padTop === 0 && padLeft === 0
    && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth) {
    if (inHeight !== 2 * outHeight || inWidth !== 2 * outWidth) dx.fill(0);
    maxPoolGrad2x2(x, g, dx, batchSize, inHeight, inWidth, outHeight, outWidth, channels);
    return out;
  }
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

/** The common 2×2 / stride 2 case: disjoint windows, so every dx element is written once. */
function maxPoolGrad2x2(
  x: Float32Array, g: Float32Array, dx: Float32Array, batchSize: number, inHeight: number, inWidth: number,
  outHeight: number, outWidth: number, channels: number,
): void {
  const rowStride = inWidth * channels;
  let gi = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const row0 = (b * inHeight + 2 * oy) * rowStride;
      const row1 = row0 + rowStride;
      for (let ox = 0; ox < outWidth; ox++) {
        const p00 = row0 + 2 * ox * channels;
        const p01 = p00 + channels;
        const p10 = row1 + 2 * ox * channels;
        const p11 = p10 + channels;
        for (let c = 0; c < channels; c++, gi++) {
          const v00 = x[p00 + c]!;
          const v01 = x[p01 + c]!;
          const v10 = x[p10 + c]!;
          const v11 = x[p11 + c]!;
          // First maximum in row-major window order (strict >), as the cpu backend.
          let which = 0;
          let best = v00;
          if (v01 > best) { best = v01; which = 1; }
          if (v10 > best) { best = v10; which = 2; }
          if (v11 > best) which = 3;
          const grad = g[gi]!;
          dx[p00 + c] = which === 0 ? grad : 0;
          dx[p01 + c] = which === 1 ? grad : 0;
          dx[p10 + c] = which === 2 ? grad : 0;
          dx[p11 + c] = which === 3 ? grad : 0;
        }
      }
    }
  }
}
