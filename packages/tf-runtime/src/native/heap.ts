import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo, WasmBackendInternals } from '../kernels/wasm-ops.js';

export type Backend = BackendWasm & WasmBackendInternals;

/**
 * The float32 values of wasm tensors, in place: views of the wasm heap handed to the addon.
 * Take them after the last makeOutput of the call: a heap growth detaches earlier views.
 */
export function heap(backend: Backend, ...tensors: TensorInfo[]): Float32Array[] {
  return tensors.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
}
