import * as tf from '@tensorflow/tfjs';
import type { WasmOps, TensorInfo } from './wasm-ops.js';

/**
 * dx of a 2-D convolution, as one forward XNNPACK convolution of dy (zero-stuffed when
 * strided) with the filter rotated 180° and its in/out channels swapped.
 * Returns null when the geometry needs padding the forward conv cannot express.
 */
export function conv2dBackpropInput(
  ops: WasmOps,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: tf.Conv2DBackpropInputAttrs,
): TensorInfo | null {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (dataFormat !== 'channelsLast') return null;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1,
    attrs.pad, attrs.dimRoundingMode, false, dataFormat);
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw, padInfo } = info;
  const [batch, outH, outW, outC] = dy.shape as [number, number, number, number];

  const padTop = fh - 1 - padInfo.top;
  const padLeft = fw - 1 - padInfo.left;
  if (padTop < 0 || padLeft < 0) return null;

  let stuffed = dy;
  let height = outH;
  let width = outW;
  if (sh > 1 || sw > 1) {
    // Interleave zeros: [B,H,1,W,1,C] padded to [B,H,sh,W,sw,C].
    const r = ops.reshape(dy, [batch, outH, 1, outW, 1, outC]);
    const p = ops.temp('PadV2', { x: r }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    height = outH * sh;
    width = outW * sw;
    stuffed = ops.reshape(p, [batch, height, width, outC]);
  }
  let padBottom = info.inHeight - 1 + fh - 1 - padTop - (height - 1);
  let padRight = info.inWidth - 1 + fw - 1 - padLeft - (width - 1);
  if (padBottom < 0 || padRight < 0) {
    height += Math.min(padBottom, 0);
    width += Math.min(padRight, 0);
    stuffed = ops.slice(stuffed, [0, 0, 0, 0], [batch, height, width, outC]);
    padBottom = Math.max(padBottom, 0);
    padRight = Math.max(padRight, 0);
  }

  const flipped = ops.temp('Reverse', { x: filter }, { dims: [0, 1] });
  const rotated = ops.transpose(flipped, [0, 1, 3, 2]);
  return ops.run('Conv2D', { x: stuffed, filter: rotated }, {
    strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC',
    pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
  });
}
