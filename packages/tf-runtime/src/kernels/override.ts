import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Attrs, Inputs, RawKernelFunc, TensorInfo } from './wasm-ops.js';

/** A wasm kernel replacement: returns null to hand the call to the kernel it replaced. */
export interface KernelOverride {
  name: string;
  run(inputs: Inputs, attrs: Attrs, backend: BackendWasm): TensorInfo | TensorInfo[] | null;
}

/**
 * Registers `overrides` on the wasm backend (this thread's registry), each falling back to the
 * kernel registered before it. Returns the function that restores those previous kernels.
 */
export function overrideWasmKernels(overrides: readonly KernelOverride[]): () => void {
  const replaced = new Map<string, tf.KernelConfig | undefined>();
  for (const { name, run } of overrides) {
    const previous = tf.getKernel(name, 'wasm');
    replaced.set(name, previous);
    const fallback = previous?.kernelFunc as RawKernelFunc | undefined;
    if (previous !== undefined) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: (({ inputs, attrs, backend }: { inputs: Inputs; attrs: Attrs; backend: BackendWasm }) => {
        const out = run(inputs, attrs, backend);
        if (out !== null) return out;
        if (fallback === undefined) throw new Error(`tf-runtime: ${name} with these attributes is not supported on wasm`);
        return fallback({ inputs, attrs, backend });
      }) as unknown as tf.KernelFunc,
    });
  }
  return () => {
    for (const [name, previous] of replaced) {
      tf.unregisterKernel(name, 'wasm');
      if (previous !== undefined) tf.registerKernel(previous);
    }
  };
}
