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
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const [batch, inH, inW, inC] = x.shape as [number, number, number, number];
  const [, outH, outW, outC] = dy.shape as [number, number, number, number];
  const spanH = (outH - 1) * sh + 1;
  const spanW = (outW - 1) * sw + 1;
  const pixels = outH * outW;
  const taps = fh * fw * inC;

  const xT = inC === 1 ? ops.reshape(x, [batch, 1, inH, inW]) : ops.transpose(x, [0, 3, 1, 2]);
  const padBottom = Math.max(0, fh - 1 + spanH - inH - padInfo.top);
  const padRight = Math.max(0, fw - 1 + spanW - inW - padInfo.left);
  const padded = padInfo.top + padBottom + padInfo.left + padRight === 0 ? xT
    : ops.temp('PadV2', { x: xT }, {
      paddings: [[0, 0], [0, 0], [padInfo.top, padBottom], [padInfo.left, padRight]], constantValue: 0 });

  const shifted: TensorInfo[] = [];
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      const s = sh === 1 && sw === 1
        ? ops.temp('Slice', { x: padded }, { begin: [0, 0, kh, kw], size: [batch, inC, outH, outW] })
        : ops.temp('StridedSlice', { x: padded }, {
          begin: [0, 0, kh, kw], end: [batch, inC, kh + spanH, kw + spanW], strides: [1, 1, sh, sw],
          beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 });
      shifted.push(ops.reshape(s, [batch, inC * pixels]));
    }
  }
  const patches = ops.concat(shifted, 1); // [B, taps·pixels]

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
