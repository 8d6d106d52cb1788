import type { WasmOps, TensorInfo } from './wasm-ops.js';

/** A float32 sum over every axis but the last, as rows × channels. */
export interface LeadingAxesReduction { rows: number; channels: number; outShape: number[] }

/** The reduction when `axis` is every axis but the last of a float32 tensor (bias gradients); else null. */
export function leadingAxesReduction(x: TensorInfo, axis: number | number[], keepDims: boolean): LeadingAxesReduction | null {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return null;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  if (axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return null;
  const channels = x.shape[rank - 1]!;
  const rows = x.shape.slice(0, -1).reduce((p, d) => p * d, 1);
  const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
  return { rows, channels, outShape };
}

/**
 * Sum over every axis but the last of a float32 tensor (bias gradients), in one sequential
 * pass with float64 accumulators; the stock kernel transposes the whole tensor first.
 * Returns null for other reductions.
 */
export function sumLeadingAxes(ops: WasmOps, x: TensorInfo, axis: number | number[], keepDims: boolean): TensorInfo | null {
  const reduction = leadingAxesReduction(x, axis, keepDims);
  if (reduction === null) return null;
  const { rows, channels, outShape } = reduction;
  const out = ops.backend.makeOutput(outShape, 'float32');
  const values = ops.backend.typedArrayFromHeap(x) as Float32Array;
  const acc = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) acc[c] = acc[c]! + values[i]!;
  }
  (ops.backend.typedArrayFromHeap(out) as Float32Array).set(acc);
  return out;
}
