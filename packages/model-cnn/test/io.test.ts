import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@earshot/tf-runtime';
import { buildModel, loadModel, loadModelFromUrl, parsePreprocess, saveModel } from '../src/index.js';
import { samplePreprocess } from './helpers.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'earshot-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveModel / loadModel', () => {
  it('round-trips seed-cnn and the cnn preset with identical predictions', async () => {
    const x = tf.randomNormal([3, 16, 20, 1], 0, 1, 'float32', 11);
    for (const spec of [{ name: 'seed-cnn' } as const, { name: 'cnn', channels: [4, 8] } as const]) {
      const model = buildModel(spec, { inputShape: [16, 20], nClasses: 3, seed: 2 });
      const out = join(dir, spec.name);
      const preprocess = samplePreprocess(16, 20, ['bird', 'car', 'rain']);
      await saveModel(model, out, preprocess);
      const manifest = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
      expect(manifest.format).toBe('layers-model');
      expect(manifest.weightsManifest[0].paths).toEqual(['./weights.bin']);
      const loaded = await loadModel(out);
      expect(loaded.preprocess).toEqual(preprocess);
      const before = (model.predict(x) as tf.Tensor).dataSync();
      const after = (loaded.model.predict(x) as tf.Tensor).dataSync();
      expect(Array.from(after)).toEqual(Array.from(before));
    }
  });

  it('loads over fetch (the browser path)', async () => {
    const model = buildModel({ name: 'seed-cnn' }, { inputShape: [8, 8], nClasses: 2, seed: 4 });
    const out = join(dir, 'fetch');
    await saveModel(model, out, samplePreprocess(8, 8, ['yes', 'no']));
    const requested: string[] = [];
    const fakeFetch = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      requested.push(url.pathname);
      const body = await readFile(join(out, url.pathname.replace('/models/m1/', '')));
      return new Response(body);
    }) as typeof fetch;
    const { model: loaded, preprocess } = await loadModelFromUrl('https://example.test/models/m1/', { fetch: fakeFetch });
    expect(preprocess.labels).toEqual(['yes', 'no']);
    expect(requested.sort()).toEqual(['/models/m1/model.json', '/models/m1/preprocess.json', '/models/m1/weights.bin']);
    const x = tf.ones([1, 8, 8, 1]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it('rejects a preprocess.json with bad keys, naming the file and key', async () => {
    const model = buildModel({ name: 'seed-cnn' }, { inputShape: [8, 8], nClasses: 2, seed: 4 });
    const out = join(dir, 'bad');
    await saveModel(model, out, samplePreprocess(8, 8, ['a', 'b']));
    const file = join(out, 'preprocess.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.recipe.stft.hopLength = -1;
    await writeFile(file, JSON.stringify(json));
    await expect(loadModel(out)).rejects.toThrow(/preprocess\.json is invalid: recipe\.stft\.hopLength/);
    const sample = samplePreprocess(8, 8, ['a', 'b']);
    const perBand = { ...sample, recipe: { ...sample.recipe, normalization: { kind: 'standardize', scope: 'per-band', mean: [0], std: [1] } } };
    expect(() => parsePreprocess(perBand)).toThrow(/recipe\.normalization\.mean has 1 values, expected 8/);
    const fmaxBelowFmin = { ...sample, recipe: { ...sample.recipe, mel: { ...sample.recipe.mel, fmin: 5000, fmax: 4000 } } };
    expect(() => parsePreprocess(fmaxBelowFmin)).toThrow(/recipe\.mel\.fmax=4000 must be above mel\.fmin=5000/);
  });

  it('reads a format-1 preprocess.json (earshot 0.1) as the same recipe', () => {
    const v1 = {
      formatVersion: 1,
      labels: ['a', 'b'],
      inputShape: [8, 44],
      audio: { sr: 22050, mono: true, duration: 1, pad: 'zeros', crop: 'random' },
      features: {
        kind: 'melspectrogram', nFft: 2048, hopLength: 512, winLength: 2048, window: 'hann', center: true, padMode: 'constant',
        power: 2, nMels: 8, fmin: 0, fmax: 11025, htk: false, norm: 'slaney', db: { ref: 1, amin: 1e-5, topDb: null },
      },
      normalization: { kind: 'none' },
      extra: { dbKind: 'amplitude' },
    };
    expect(parsePreprocess(v1).recipe).toEqual({
      version: 1,
      sr: 22050,
      clip: { duration: 1, pad: 'zeros', crop: 'random' },
      stft: { nFft: 2048, hopLength: 512, winLength: 2048, window: 'hann', center: true, padMode: 'constant' },
      mel: { nMels: 8, fmin: 0, fmax: 11025, htk: false, norm: 'slaney', power: 2 },
      db: { kind: 'amplitude', ref: 1, amin: 1e-5, topDb: null },
      mfcc: null,
      normalization: { kind: 'none' },
    });
  });
});
