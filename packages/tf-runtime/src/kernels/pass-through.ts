import type { WasmOps, TensorInfo } from './wasm-ops.js';

/**
 * Identity, and Cast to the same dtype, as a new reference to the same buffer (tensors are
 * immutable; Reshape already does this). The stock kernels copy, on every ReLU gradient.
 */
export function passThrough(ops: WasmOps, x: TensorInfo, dtype: string = x.dtype): TensorInfo | null {
  if (dtype !== x.dtype || x.dtype === 'string') return null;
  ops.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}
