// One recipe end to end: YAML → preprocess.json → an extractor built from that file alone gives,
// bit for bit, the inputs the model was trained and tested on (cached features + normalisation).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAudio } from '@earshot/dataset-io';
import { Mulberry32 } from '@earshot/random';
import { FeatureCache, hashBytes } from '@earshot/feature-cache';
import { createRecipeExtractor, normalizeInto } from '@earshot/features-mel';
import { parsePreprocess } from '@earshot/model-cnn';
import { loadExperiment, recipeFromConfig } from '../src/config/index.js';
import { inferenceRecipe } from '@earshot/classifier';
import { cropSeed } from '../src/features/file-features.js';
import { resolveRunResampler } from '../src/features/res-type.js';
import { clipKeyer } from '../src/stages/features.js';
import { writeToneDataset } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let work: string;
let experiment: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-recipe-'));
  // Clips of 0.35–0.85 s around a 0.6 s duration: some padded, some cropped (at random in training).
  await writeToneDataset(join(work, 'data'), 6, 0.6, 16000, 5);
  experiment = join(work, 'exp.yaml');
  await writeFile(
    experiment,
    [
      'name: roundtrip',
      'seed: 11',
      'dataset: { root: data }',
      'split: { kind: stratified, test: 0.34 }',
      'audio: { sr: 22050, duration: 0.6, pad: wrap, crop: random }',
      'features: { n_fft: 1024, hop_length: 256, win_length: 800, n_mels: 32, fmin: 40, fmax: 9000, normalize: standardize, db: { top_db: 70 } }',
      'train: { epochs: 1, batch_size: 4 }',
      'runtime: { backend: wasm, train_workers: 1 }',
      'cache: { dir: cache }',
      'output: { dir: runs }',
      '',
    ].join('\n'),
  );
}, 30_000);
afterAll(() => rm(work, { recursive: true, force: true }));

describe.skipIf(!existsSync(cli))('feature recipe round trip', () => {
  it('preprocess.json holds the YAML’s recipe, and its extractor reproduces every training input exactly', async () => {
    const run = spawnSync(process.execPath, [cli, experiment], { cwd: work, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    expect(run.status, run.stderr).toBe(0);
    const runDir = resolve(work, run.stdout.trimEnd().split('\n').pop()!);
    const preprocess = parsePreprocess(JSON.parse(await readFile(join(runDir, 'model', 'preprocess.json'), 'utf8')));

    const config = await loadExperiment(experiment);
    const { normalization, ...recipe } = preprocess.recipe;
    const { normalization: none, ...fromYaml } = recipeFromConfig(config);
    expect(recipe).toEqual(fromYaml);
    expect(none).toEqual({ kind: 'none' });
    expect(normalization).toMatchObject({ kind: 'standardize', scope: 'global' });

    const manifest = (await readFile(join(runDir, 'split-manifest.csv'), 'utf8')).trim().split('\n').slice(1).map((line) => line.split(','));
    const training = createRecipeExtractor(preprocess.recipe);
    const inference = createRecipeExtractor(inferenceRecipe(preprocess));
    const key = clipKeyer({ recipe: recipeFromConfig(config), resType: resolveRunResampler(config).resType, seed: config.seed });
    const cache = FeatureCache.open(join(work, 'cache'));
    let compared = 0;
    try {
      for (const [path, , split] of manifest) {
        const bytes = await readFile(path!);
        const audioHash = hashBytes(bytes);
        const { y } = await loadAudio(bytes, { sr: preprocess.recipe.sr });
        const cached = cache.get(key(audioHash, split === 'train' ? 'random' : 'center'))!;
        const seen = normalizeInto(Float32Array.from(cached.data), normalization, preprocess.inputShape);
        // Held-out clips: the inference recipe (what `predict` runs). Training clips: their seeded random crop.
        const input = split === 'train' ? training.input(y, { random: new Mulberry32(cropSeed(config.seed, audioHash)).toFunction() }) : inference.input(y);
        expect([input.rows, input.cols]).toEqual(preprocess.inputShape);
        expect(input.data, `${split} ${path}`).toEqual(seen);
        compared++;
      }
    } finally {
      await cache.close();
    }
    expect(compared).toBe(18);
  }, 120_000);
});
