export { initBackend, currentBackend } from './backend.js';
export type { BackendChoice, BackendInfo, InitBackendOptions } from './backend.js';
export { registerRepairedKernels, unregisterRepairedKernels, repairedKernelList } from './kernels/register.js';
export type { RepairedKernel } from './kernels/register.js';
export { wasmBinaryDir } from './wasm-files.js';
export { registerNativeKernels, unregisterNativeKernels, nativeKernelList, loadDnnl } from './native/register.js';
