import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { DnnlBinding } from '@earshot/native';
import { overrideWasmKernels } from '../kernels/override.js';
import type { WasmBackendInternals } from '../kernels/wasm-ops.js';
import { setNativeGradients } from './gradients.js';
import { NATIVE_KERNELS } from './kernels.js';

// An optional dependency: absent, the native backend is simply unavailable.
const native = await import('@earshot/native').catch(() => null);

/** The addon's oneDNN part, or why it is not available (one line). */
export function loadDnnl(): { dnnl: DnnlBinding } | { dnnl: null; why: string } {
  if (native === null) return { dnnl: null, why: 'native addon: @earshot/native is not installed' };
  const addon = native.loadNative();
  if (addon === null) return { dnnl: null, why: `native addon ${native.nativeStatus()}` };
  if (addon.dnnl === undefined) return { dnnl: null, why: 'native addon built without oneDNN (libdnnl-dev missing at install)' };
  return { dnnl: addon.dnnl };
}

let restore: (() => void) | null = null;

/**
 * Registers the oneDNN kernels on the wasm backend (this thread's registry), over whatever is
 * registered there (the repaired kernels), which each falls back to for cases it does not take;
 * and the native Mean and FusedBatchNorm gradients (gradients.ts).
 */
export function registerNativeKernels(dnnl: DnnlBinding): string[] {
  unregisterNativeKernels();
  restore = overrideWasmKernels(NATIVE_KERNELS.map(({ name, kernel }) => ({
    name,
    run: (inputs, attrs, backend) => kernel(dnnl, inputs, attrs, backend as BackendWasm & WasmBackendInternals),
  })));
  setNativeGradients(true);
  return NATIVE_KERNELS.map((k) => k.name);
}

/** Restores the kernels registered before `registerNativeKernels`. Call before changing those. */
export function unregisterNativeKernels(): void {
  restore?.();
  restore = null;
  setNativeGradients(false);
}

/** The kernels `registerNativeKernels` installs, with what each does. */
export function nativeKernelList(): Array<{ name: string; description: string }> {
  return NATIVE_KERNELS.map(({ name, description }) => ({ name, description }));
}
