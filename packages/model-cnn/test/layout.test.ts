import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@earshot/tf-runtime';
import { buildModel, countParams, modelLayout, ModelShapeError, type ModelSpec } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const specs: [string, ModelSpec, [number, number]][] = [
  ['seed-cnn', { name: 'seed-cnn' }, [128, 45]],
  ['cnn defaults', { name: 'cnn' }, [64, 87]],
  ['cnn without batch norm, gap+gmp over time, dense', { name: 'cnn', channels: [8, 16], batchNorm: false, head: 'gap+gmp', headAxes: 'time', denseUnits: 32, kernelSize: 5 }, [40, 31]],
  ['cnn deeper than the frequency axis (pooling stops)', { name: 'cnn', channels: [4, 4, 4, 4, 4], poolSize: 2, blockDropout: 0, dropout: 0 }, [8, 200]],
];

describe('modelLayout', () => {
  it.each(specs)('agrees with the built tfjs model: %s', (_name, spec, inputShape) => {
    const model = buildModel(spec, { inputShape, nClasses: 5, seed: 1 });
    const layout = modelLayout(spec, inputShape, 5);
    expect(layout.params).toBe(countParams(model));
    expect(layout.trainableParams).toBe(countParams(model, { trainableOnly: true }));
    const built = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    expect(layout.layers.map((l) => l.name)).toEqual(built.map((l) => l.name));
    for (const [i, layer] of built.entries()) expect([null, ...layout.layers[i]!.outputShape]).toEqual(layer.outputShape);
    model.dispose();
  });

  it('rejects a network whose pooling shrinks the input to zero, naming the layer', () => {
    expect(() => modelLayout({ name: 'seed-cnn' }, [128, 3], 3)).toThrow(ModelShapeError);
    expect(() => modelLayout({ name: 'seed-cnn' }, [128, 3], 3)).toThrow(/pool2 pools time of size 1 by 2 to 0/);
    // Frequency stops pooling at 1, but time keeps shrinking with it: 16 frames cannot take 5 pools of 2.
    const deep: ModelSpec = { name: 'cnn', channels: [8, 8, 8, 8, 8] };
    expect(() => modelLayout(deep, [64, 16], 3)).toThrow(/block5_pool pools time of size 1 by 2 to 0/);
  });

  it('sums activations per example for memory estimates', () => {
    const layout = modelLayout({ name: 'seed-cnn' }, [8, 8], 2);
    // input 64, conv1 8·8·16, pool1 4·4·16, conv2 4·4·32, pool2 2·2·32, flatten 128, fc1 128, fc2 2
    expect(layout.activations).toBe(64 + 1024 + 256 + 512 + 128 + 128 + 128 + 2);
    expect(layout.weightedActivations).toBe(64 + 1024 + 512 + 128 + 2);
  });
});
