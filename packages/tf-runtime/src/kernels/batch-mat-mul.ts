import type { WasmOps, TensorInfo } from './wasm-ops.js';

/**
 * The wasm BatchMatMul only reaches XNNPACK's GEMM for a single, untransposed product;
 * any transpose falls to a scalar triple loop. We make the transposes explicit and pick
 * the cheaper of C = op(A)·op(B) and C = (op(B)ᵀ·op(A)ᵀ)ᵀ by elements copied.
 * Returns null for real batches (> 1), left to the stock kernel.
 */
export function batchMatMul(
  ops: WasmOps,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo | null {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const batchA = a.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const batchB = b.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  if (batchA !== 1 || batchB !== 1) return null;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  const outShape = [...(aRank >= bRank ? a.shape : b.shape).slice(0, -2), m, n];

  const a2 = ops.reshape(a, transposeA ? [k, m] : [m, k]);
  const b2 = ops.reshape(b, transposeB ? [n, k] : [k, n]);
  // Elements moved besides the GEMM itself; XNNPACK also packs its right operand.
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n;
  const swapped = (transposeA ? 0 : m * k) + (transposeB ? 0 : k * n) + k * m + m * n;

  let c: TensorInfo;
  if (direct <= swapped) {
    const left = transposeA ? ops.transpose(a2, [1, 0]) : a2;
    const right = transposeB ? ops.transpose(b2, [1, 0]) : b2;
    c = gemm(ops, left, right);
  } else {
    const left = transposeB ? b2 : ops.transpose(b2, [1, 0]); // op(B)ᵀ: [n, k]
    const right = transposeA ? a2 : ops.transpose(a2, [1, 0]); // op(A)ᵀ: [k, m]
    const cT = ops.temp('BatchMatMul', { a: left, b: right }, { transposeA: false, transposeB: false });
    c = ops.run('Transpose', { x: ops.reshape(cT, [n, m]) }, { perm: [1, 0] });
  }
  c.shape = outShape;
  return c;
}

function gemm(ops: WasmOps, left: TensorInfo, right: TensorInfo): TensorInfo {
  return ops.run('BatchMatMul', { a: left, b: right }, { transposeA: false, transposeB: false });
}
