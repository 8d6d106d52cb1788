import type { WasmOps, TensorInfo } from './wasm-ops.js';

/**
 * `tf.tile` by block copies: each input row is written once, then every level's block is
 * replicated by doubling `copyWithin`s. Batch-norm gradients tile per-channel vectors up to the
 * whole activation ([1,1,1,C] → [N,H,W,C]), which the stock kernel does with per-element index
 * arithmetic: ~200 ms per step at 32×64×44×32 here, against well under 1 ms this way.
 * Returns null for string tensors.
 */
export function tile(ops: WasmOps, x: TensorInfo, reps: readonly number[]): TensorInfo | null {
  if (x.dtype === 'string') return null;
  const rank = x.shape.length;
  if (reps.length !== rank) return null;
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = ops.backend.makeOutput(outShape, x.dtype);
  if (outShape.some((d) => d === 0)) return out;
  const input = ops.backend.typedArrayFromHeap(x);
  const output = ops.backend.typedArrayFromHeap(out);
  if (rank === 0) {
    output[0] = input[0]!;
    return out;
  }
  // Element strides of each level in the input and output.
  const inStride = new Array<number>(rank);
  const outStride = new Array<number>(rank);
  inStride[rank - 1] = 1;
  outStride[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) {
    inStride[i] = inStride[i + 1]! * x.shape[i + 1]!;
    outStride[i] = outStride[i + 1]! * outShape[i + 1]!;
  }
  /** Copies output[at, at + length) forward until it fills `total` elements. */
  const replicate = (at: number, length: number, total: number) => {
    for (let filled = length; filled < total; filled += Math.min(filled, total - filled)) {
      output.copyWithin(at + filled, at, at + Math.min(filled, total - filled));
    }
  };
  const write = (level: number, inAt: number, outAt: number): void => {
    const size = x.shape[level]!;
    if (level === rank - 1) {
      output.set(input.subarray(inAt, inAt + size), outAt);
    } else {
      for (let i = 0; i < size; i++) write(level + 1, inAt + i * inStride[level]!, outAt + i * outStride[level]!);
    }
    replicate(outAt, size * outStride[level]!, outShape[level]! * outStride[level]!);
  };
  write(0, 0, 0);
  return out;
}
