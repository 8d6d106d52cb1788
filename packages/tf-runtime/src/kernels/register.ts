import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { batchMatMul } from './batch-mat-mul.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { passThrough } from './pass-through.js';
import { sumLeadingAxes } from './sum.js';
import { tile } from './tile.js';
import { overrideWasmKernels } from './override.js';
import { WasmOps, type Attrs, type Inputs, type RawKernelFunc, type TensorInfo, type WasmBackendInternals } from './wasm-ops.js';

/** A kernel earshot registers on the wasm backend, and why. */
export interface RepairedKernel {
  name: string;
  description: string;
}

type Repair = (ops: WasmOps, inputs: Inputs, attrs: Attrs) => TensorInfo | null;

const REPAIRS: ReadonlyArray<RepairedKernel & { repair: Repair }> = [
  {
    name: 'Conv2DBackpropFilter',
    description: 'missing on wasm (tfjs#8474): forward XNNPACK conv over transposed operands (stride → dilation)',
    repair: (ops, { x, dy }, attrs) =>
      conv2dBackpropFilter(ops, x!, dy!, attrs as unknown as tf.Conv2DBackpropFilterAttrs),
  },
  {
    name: 'Conv2DBackpropInput',
    description: 'forward XNNPACK conv of (zero-stuffed) dy with the rotated, in/out-swapped filter',
    repair: (ops, { dy, filter }, attrs) =>
      conv2dBackpropInput(ops, dy!, filter!, attrs as unknown as tf.Conv2DBackpropInputAttrs),
  },
  {
    name: 'BatchMatMul',
    description: 'explicit transposes so every 2-D product reaches XNNPACK GEMM, not the scalar loop',
    repair: (ops, { a, b }, attrs) =>
      batchMatMul(ops, a!, b!, attrs['transposeA'] === true, attrs['transposeB'] === true),
  },
  {
    name: 'MaxPoolGrad',
    description: 'single pass over the pooling windows, channels innermost (JS on the wasm heap)',
    repair: (ops, { dy, input }, attrs) =>
      maxPoolGrad(ops, dy!, input!, attrs as unknown as tf.MaxPoolGradAttrs),
  },
  {
    name: 'Sum',
    description: 'sum over all but the last axis (bias gradients) in one pass, no transpose',
    repair: (ops, { x }, attrs) =>
      sumLeadingAxes(ops, x!, attrs['axis'] as number | number[], attrs['keepDims'] === true),
  },
  {
    name: 'Tile',
    description: 'block copies doubled with copyWithin (batch-norm gradients tile [1,1,1,C] over the activation)',
    repair: (ops, { x }, attrs) => tile(ops, x!, attrs['reps'] as number[]),
  },
  {
    name: 'Identity',
    description: 'shares the buffer (refcount) instead of copying',
    repair: (ops, { x }) => passThrough(ops, x!),
  },
  {
    name: 'Cast',
    description: 'same-dtype cast shares the buffer (ReLU gradients cast step(x) to float32)',
    repair: (ops, { x }, attrs) => passThrough(ops, x!, attrs['dtype'] as string),
  },
];

/** Stock kernels captured before we replaced them; undefined where wasm had none. */
let stockKernels: Map<string, RawKernelFunc> | null = null;
let restore: (() => void) | null = null;

function captureStock(): Map<string, RawKernelFunc> {
  const stock = new Map<string, RawKernelFunc>();
  for (const name of ['Conv2D', 'Transpose', 'Reshape', 'Slice', 'StridedSlice', 'Concat', 'PadV2', 'Reverse', 'BatchMatMul',
    'Conv2DBackpropInput', 'MaxPoolGrad']) {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined) throw new Error(`tf-runtime: the wasm backend has no '${name}' kernel`);
    stock.set(name, config.kernelFunc as unknown as RawKernelFunc);
  }
  return stock;
}

/** The list of kernels `registerRepairedKernels` installs, with what each does. */
export function repairedKernelList(): RepairedKernel[] {
  return REPAIRS.map(({ name, description }) => ({ name, description }));
}

/**
 * Registers earshot's training kernels on the wasm backend (per thread, as the tfjs kernel
 * registry is), all of them or those named in `only`. Call after the wasm backend is
 * initialized. Replaces an earlier registration.
 */
export function registerRepairedKernels(only?: readonly string[]): string[] {
  const unknown = only?.filter((name) => !REPAIRS.some((r) => r.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`registerRepairedKernels: no repaired kernel named ${unknown.join(', ')}`);
  unregisterRepairedKernels();
  stockKernels ??= captureStock();
  const stock = stockKernels;
  const chosen = REPAIRS.filter((r) => only === undefined || only.includes(r.name));
  restore = overrideWasmKernels(chosen.map(({ name, repair }) => ({
    name,
    run: (inputs, attrs, backend) => {
      const ops = new WasmOps(backend as BackendWasm & WasmBackendInternals, stock);
      try {
        return repair(ops, inputs, attrs);
      } finally {
        ops.release();
      }
    },
  })));
  return chosen.map((r) => r.name);
}

/** Restores the stock wasm kernels (for benchmarks and tests comparing both). */
export function unregisterRepairedKernels(): void {
  restore?.();
  restore = null;
}
