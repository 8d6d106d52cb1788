import * as tf from '@tensorflow/tfjs';
import type { WasmOps, TensorInfo } from './wasm-ops.js';

/**
 * dW of a 2-D convolution (missing on wasm, tfjs#8474), as XNNPACK GEMMs, one per batch item:
 *   dW[(kh,kw,ci), co] = Σ_b P_bᵀ · dy_b,  P_bᵀ[(kh,kw,ci), (oh,ow)] = x[b, oh·s+kh−pad, ow·s+kw−pad, ci].
 * XNNPACK's GEMM has no blocking along the reduced axis, so one GEMM over all B·H·W pixels
 * streams the whole of dy once per row tile; per-item GEMMs keep each operand cache-sized.
 * P is built batch-major from fh·fw shifted slices, so each P_bᵀ and dy_b is a view, not a copy.
 */
export function conv2dBackpropFilter(
  ops: WasmOps,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: tf.Conv2DBackpropFilterAttrs,
): TensorInfo | null {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== 'channelsLast') return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1,
    attrs.pad, attrs.dimRoundingMode, false, dataFormat);
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const [batch, inH, inW, inC] = x.shape as [number, number, number, number];
  const [, outH, outW, outC] = dy.shape as [number, number, number, number];
  const pixels = outH * outW;
  const taps = fh * fw * inC;

  const xT = inC === 1 ? ops.reshape(x, [batch, 1, inH, inW]) : ops.transpose(x, [0, 3, 1, 2]);
  const patches = sh === 1 && sw === 1
    ? gatherPatchesUnitStride(ops, xT, info, outH, outW)
    : gatherPatchesStrided(ops, xT, info, outH, outW);
  const sum = new Float32Array(taps * outC);
  for (let b = 0; b < batch; b++) {
    const left = ops.view(patches, b * taps * pixels, [taps, pixels]);
    const right = ops.view(dy, b * pixels * outC, [pixels, outC]);
    const part = ops.run('BatchMatMul', { a: left, b: right }, { transposeA: false, transposeB: false });
    const values = ops.backend.typedArrayFromHeap(part) as Float32Array;
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + values[i]!;
    ops.backend.disposeData(part.dataId);
    ops.dropView(left);
    ops.dropView(right);
  }
  const dw = ops.backend.makeOutput([fh, fw, inC, outC], 'float32');
  (ops.backend.typedArrayFromHeap(dw) as Float32Array).set(sum);
  return dw;
}

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/**
 * Pᵀ batch-major, [B, fh·fw·inC·outH·outW], from channel-major xT [B, inC, H, W], by one
 * memmove per output row (copyWithin on the wasm heap: no padding pass, no slices).
 */
function gatherPatchesUnitStride(
  ops: WasmOps, xT: TensorInfo, info: ConvInfo, outH: number, outW: number,
): TensorInfo {
  const { batchSize: batch, inHeight: inH, inWidth: inW, inChannels: inC, filterHeight: fh,
    filterWidth: fw, padInfo } = info;
  const pixels = outH * outW;
  const patches = ops.backend.makeOutput([batch, fh * fw * inC * pixels], 'float32');
  ops.own(patches);
  const heap = ops.backend.wasm.HEAPF32 as Float32Array;
  const src0 = ops.offsetOf(xT) / 4;
  const dst0 = ops.offsetOf(patches) / 4;
  const plane = inH * inW;
  let dst = dst0;
  for (let b = 0; b < batch; b++) {
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        // Output columns [owStart, owEnd) read input columns ow + kw − padLeft inside [0, inW).
        const shift = kw - padInfo.left;
        const owStart = Math.max(0, -shift);
        const owEnd = Math.min(outW, inW - shift);
        for (let ci = 0; ci < inC; ci++) {
          const srcPlane = src0 + (b * inC + ci) * plane;
          for (let oh = 0; oh < outH; oh++, dst += outW) {
            const ih = oh + kh - padInfo.top;
            if (ih < 0 || ih >= inH || owEnd <= owStart) {
              heap.fill(0, dst, dst + outW);
              continue;
            }
            if (owStart > 0) heap.fill(0, dst, dst + owStart);
            const from = srcPlane + ih * inW + owStart + shift;
            heap.copyWithin(dst + owStart, from, from + (owEnd - owStart));
            if (owEnd < outW) heap.fill(0, dst + owEnd, dst + outW);
          }
        }
      }
    }
  }
  return patches;
}

/** Pᵀ batch-major for strided convolutions, from fh·fw strided slices of the padded input. */
function gatherPatchesStrided(
  ops: WasmOps, xT: TensorInfo, info: ConvInfo, outH: number, outW: number,
): TensorInfo {
  const { batchSize: batch, inHeight: inH, inWidth: inW, inChannels: inC, filterHeight: fh,
    filterWidth: fw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const spanH = (outH - 1) * sh + 1;
  const spanW = (outW - 1) * sw + 1;
  const padBottom = Math.max(0, fh - 1 + spanH - inH - padInfo.top);
  const padRight = Math.max(0, fw - 1 + spanW - inW - padInfo.left);
  const padded = padInfo.top + padBottom + padInfo.left + padRight === 0 ? xT
    : ops.temp('PadV2', { x: xT }, {
      paddings: [[0, 0], [0, 0], [padInfo.top, padBottom], [padInfo.left, padRight]], constantValue: 0 });
  const shifted: TensorInfo[] = [];
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      const s = ops.temp('StridedSlice', { x: padded }, {
        begin: [0, 0, kh, kw], end: [batch, inC, kh + spanH, kw + spanW], strides: [1, 1, sh, sw],
        beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
      shifted.push(ops.reshape(s, [batch, inC * outH * outW]));
    }
  }
  return ops.concat(shifted, 1);
}
