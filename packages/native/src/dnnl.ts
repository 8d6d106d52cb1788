// The oneDNN part of the addon (src/dnnl/*.cc): training kernels that read and write float32
// arrays in place, usually views into the tfjs wasm heap, so nothing is copied.

/** tfjs' Conv2DInfo, flattened: NHWC activations, HWIO filters, pads in elements. */
export interface ConvGeometry {
  batchSize: number; inHeight: number; inWidth: number; inChannels: number;
  outHeight: number; outWidth: number; outChannels: number;
  filterHeight: number; filterWidth: number; strideHeight: number; strideWidth: number;
  dilationHeight: number; dilationWidth: number;
  padTop: number; padBottom: number; padLeft: number; padRight: number;
}

/** tfjs' Pool2DInfo, flattened (NHWC). */
export interface PoolGeometry {
  batchSize: number; inHeight: number; inWidth: number; inChannels: number; outHeight: number; outWidth: number;
  filterHeight: number; filterWidth: number; strideHeight: number; strideWidth: number;
  padTop: number; padBottom: number; padLeft: number; padRight: number;
}

/** c[batch, m, n] = op(a)·op(b); a batch of 1 broadcasts. a is [batchA, m, k] ([batchA, k, m] transposed). */
export interface MatMulGeometry {
  batchA: number; batchB: number; m: number; k: number; n: number; transposeA: boolean; transposeB: boolean;
}

/** oneDNN kernels; each writes its last array argument and throws an Error naming the kernel and shapes. */
export interface DnnlBinding {
  conv2dForward(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, geometry: ConvGeometry, relu: boolean): void;
  conv2dBackwardData(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: ConvGeometry): void;
  conv2dBackwardFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: ConvGeometry): void;
  matMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, c: Float32Array, geometry: MatMulGeometry, relu: boolean): void;
  maxPool(x: Float32Array, y: Float32Array, geometry: PoolGeometry): void;
  /** dx of max pooling: each window's dy goes to its first maximum (tfjs cpu's rule). */
  maxPoolGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, geometry: PoolGeometry): void;
  /** out[c] = Σ_rows x[row, c] / divisor (default 1: a sum), float64 accumulation in row order. */
  sumLeadingAxes(x: Float32Array, out: Float32Array, channels: number, divisor?: number): void;
  /** y = offset + (x − mean)·scale/√(variance + ε), per channel (the last axis). */
  batchNorm(x: Float32Array, mean: Float32Array, variance: Float32Array, offset: Float32Array | null,
    scale: Float32Array | null, y: Float32Array, channels: number, epsilon: number): void;
  /** tfjs' FusedBatchNorm gradients (mean and variance as inputs of their own) in two passes. */
  batchNormGrad(x: Float32Array, dy: Float32Array, mean: Float32Array, variance: Float32Array, scale: Float32Array | null,
    dx: Float32Array, dMean: Float32Array, dVariance: Float32Array, dScale: Float32Array, dOffset: Float32Array,
    channels: number, epsilon: number): void;
  /**
   * OpenMP threads of every later kernel call on this JS thread (each worker sets its own). Results are bit-reproducible for a
   * fixed count; another count splits oneDNN's reductions differently (float order).
   */
  setThreads(threads: number): void;
  threads(): number;
  /** libdnnl's version, e.g. '2.6.3'. */
  readonly version: string;
  /** The instruction set oneDNN dispatches to, e.g. 'avx512_core_bf16'. */
  readonly isa: string;
}
