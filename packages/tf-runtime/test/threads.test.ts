import { describe, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';
import { trainLosses } from './helpers.js';

// Its own test file: the threaded build must be the first wasm init of the process.
describe('threaded-SIMD wasm in Node', () => {
  it('starts with 2 XNNPACK threads and trains like cpu', async () => {
    const info = await initBackend({ backend: 'wasm', threads: 2 });
    expect(info.threads).toBe(2);
    expect(info.reason).toMatch(/SIMD, 2 threads/);
    const wasm = await trainLosses({ backend: 'wasm' }, 3);
    const cpu = await trainLosses({ backend: 'cpu' }, 3);
    wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i]!) / Math.abs(cpu[i]!)).toBeLessThan(1e-4));
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(initBackend({ backend: 'wasm', threads: 0 })).rejects.toThrow(/threads must be an integer ≥ 1 \(got 0\)/);
  });
});
