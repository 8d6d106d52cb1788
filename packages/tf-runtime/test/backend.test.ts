import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { currentBackend, initBackend, loadDnnl, repairedKernelList } from '../src/index.js';

const nativeBuilt = loadDnnl().dnnl !== null;

describe('initBackend', () => {
  it("'auto' records why tfjs-node was skipped and lands on native where the addon is built, else repaired wasm", async () => {
    const info = await initBackend({ backend: 'auto' });
    expect(info.backend).toBe(nativeBuilt ? 'native' : 'wasm');
    expect(currentBackend()).toBe(info.backend);
    expect(tf.getBackend()).toBe('wasm');
    expect(info.reason).toMatch(nativeBuilt ? /tfjs-node unavailable: .+; native auto \(oneDNN / : /tfjs-node unavailable: .+; native addon .+; wasm auto/);
    expect(info.simd).toBe(true);
    expect(info.repairedKernels).toEqual(repairedKernelList().map((k) => k.name));
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it("explicit 'node' that cannot load is a clear error", async () => {
    await expect(initBackend({ backend: 'node' })).rejects.toThrow(/backend 'node' was requested but cannot load/);
  });

  it("'wasm' with repairWasm: false restores the stock kernels, which cannot train convs", async () => {
    const info = await initBackend({ backend: 'wasm', repairWasm: false });
    expect(info.repairedKernels).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    await initBackend({ backend: 'wasm' });
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it("'cpu' and bad names", async () => {
    expect((await initBackend({ backend: 'cpu' })).backend).toBe('cpu');
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(/must be one of auto, node, native, wasm, cpu \(got 'gpu'\)/);
  });
});
