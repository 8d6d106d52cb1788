import { describe, expect, it } from 'vitest';
import { trainLosses } from './helpers.js';

describe('end-to-end training on repaired wasm', () => {
  it('gives the cpu losses over a few Adam steps of a small conv net', async () => {
    const cpu = await trainLosses({ backend: 'cpu' }, 4);
    const wasm = await trainLosses({ backend: 'wasm' }, 4);
    expect(cpu[3]).toBeLessThan(cpu[0]!); // it does learn, so the comparison means something
    wasm.forEach((loss, i) => expect(Math.abs(loss - cpu[i]!) / Math.abs(cpu[i]!)).toBeLessThan(1e-4));
  });
});
