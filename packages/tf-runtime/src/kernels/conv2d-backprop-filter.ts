import * as tf from '@tensorflow/tfjs';
import type { WasmOps, TensorInfo } from './wasm-ops.js';

/**
 * dW of a 2-D convolution (missing on wasm, tfjs#8474), as XNNPACK GEMMs, one per batch item:
 *   dW[(kh,kw,ci), co] = Σ_b P_bᵀ · dy_b,  P_bᵀ[(kh,kw,ci), pixel] = x_b at that pixel shifted by the tap.
 * XNNPACK's GEMM has no blocking along the reduced axis, so one GEMM over all B·H·W pixels
 * streams the whole of dy once per row tile; per-item GEMMs keep each operand cache-sized.
 * Each P_bᵀ and dy_b is a view into one batch-major buffer, not a copy.
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
  const outC = dy.shape[3]!;
  const taps = fh * fw * inC;

  const xT = inC === 1 ? ops.reshape(x, [batch, 1, inH, inW]) : ops.transpose(x, [0, 3, 1, 2]);
  const { patches, rhs, pixels, rhsBatchStride } = sh === 1 && sw === 1
    ? gatherUnitStride(ops, xT, dy, info)
    : gatherStrided(ops, xT, dy, info);
  const sum = new Float32Array(taps * outC);
  for (let b = 0; b < batch; b++) {
    const left = ops.view(patches, b * taps * pixels, [taps, pixels]);
    const right = ops.view(rhs, b * rhsBatchStride, [pixels, outC]);
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

/** GEMM operands: batch-major Pᵀ [B, taps·pixels] and dy-like rows [B, ≥ pixels, outC]. */
interface Gathered { patches: TensorInfo; rhs: TensorInfo; pixels: number; rhsBatchStride: number }

/**
 * Stride 1: on the zero-padded input [B, inC, Hp, Wp], tap (kh, kw) of the "extended"
 * pixel oh·Wp + ow is element oh·Wp + ow + kh·Wp + kw of the channel plane, so each Pᵀ row
 * is ONE contiguous run (a single memmove). The Wp − outW extra columns per row meet zeros
 * padded into dy, and the run stops where the plane ends.
 */
function gatherUnitStride(ops: WasmOps, xT: TensorInfo, dy: TensorInfo, info: ConvInfo): Gathered {
  const { batchSize: batch, inChannels: inC, filterHeight: fh, filterWidth: fw, padInfo,
    outHeight: outH, outWidth: outW, outChannels: outC } = info;
  const padded = padInfo.top + padInfo.bottom + padInfo.left + padInfo.right === 0 ? xT
    : ops.temp('PadV2', { x: xT }, {
      paddings: [[0, 0], [0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right]], constantValue: 0 });
  const [, , hp, wp] = padded.shape as [number, number, number, number];
  const pixels = (outH - 1) * wp + outW;
  const taps = fh * fw * inC;
  const rhs = wp === outW ? dy
    : ops.temp('PadV2', { x: dy }, { paddings: [[0, 0], [0, 0], [0, wp - outW], [0, 0]], constantValue: 0 });

  const patches = ops.backend.makeOutput([batch, taps * pixels], 'float32');
  ops.own(patches);
  const heap = ops.backend.wasm.HEAPF32 as Float32Array;
  const src0 = ops.offsetOf(padded) / 4;
  let dst = ops.offsetOf(patches) / 4;
  const plane = hp * wp;
  for (let b = 0; b < batch; b++) {
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        for (let ci = 0; ci < inC; ci++, dst += pixels) {
          const from = src0 + (b * inC + ci) * plane + kh * wp + kw;
          heap.copyWithin(dst, from, from + pixels);
        }
      }
    }
  }
  return { patches, rhs, pixels, rhsBatchStride: outH * wp * outC };
}

/** Pᵀ batch-major for strided convolutions, from fh·fw strided slices of the padded input. */
function gatherStrided(ops: WasmOps, xT: TensorInfo, dy: TensorInfo, info: ConvInfo): Gathered {
  const { batchSize: batch, inHeight: inH, inWidth: inW, inChannels: inC, filterHeight: fh,
    filterWidth: fw, strideHeight: sh, strideWidth: sw, padInfo, outHeight: outH, outWidth: outW,
    outChannels: outC } = info;
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
  const pixels = outH * outW;
  return { patches: ops.concat(shifted, 1), rhs: dy, pixels, rhsBatchStride: pixels * outC };
}
