import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import {
  applyOverrides,
  experimentJsonSchemaText,
  loadExperiment,
  modelSpec,
  parseExperiment,
  recipeFromConfig,
  trainSettings,
} from '../src/config/index.js';
import { runMetricsJsonSchemaText } from '../src/run-metrics.js';
import { EARSHOT_VERSION } from '../src/version.js';
import { problemsOf } from './helpers.js';

const repo = new URL('../../../', import.meta.url);

async function yamlFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-config-'));
  const file = join(dir, 'exp.yaml');
  await writeFile(file, text);
  return file;
}

describe('experiment defaults', () => {
  it('recipe: seed keeps every seed default', () => {
    const c = parseExperiment({ recipe: 'seed', dataset: { root: 'data' } });
    expect(c.audio).toMatchObject({ sr: 22050, duration: null, pad: 'zeros', crop: 'start' });
    expect(c.dataset.labels).toBeUndefined();
    expect(recipeFromConfig(c)).toEqual({
      version: 1,
      sr: 22050,
      clip: null,
      stft: { nFft: 2048, hopLength: 512, winLength: 2048, window: 'hann', center: true, padMode: 'constant' },
      mel: { nMels: 128, fmin: 0, fmax: 11025, htk: false, norm: 'slaney', power: 2 },
      db: { kind: 'power', ref: 'max', amin: 1e-10, topDb: 80 },
      mfcc: null,
      normalization: { kind: 'none' },
    });
    expect(c.features.normalize).toBe('none');
    expect(modelSpec(c)).toEqual({ name: 'seed-cnn' });
    expect(trainSettings(c)).toMatchObject({ epochs: 10, batchSize: 32, lr: 1e-3, schedule: { kind: 'constant' }, earlyStopping: null, labelSmoothing: 0 });
    expect(c.split).toEqual({ kind: 'random', test: 0.2, validation: 0 });
    expect(c.runtime.backend).toBe('auto');
    expect(c.dataset.on_error).toBe('skip');
    expect(c.cache.dir).toBe('.cache/earshot');
    expect(c.output.dir).toBe('runs');
  });

  it('without recipe: seed, left-out keys take the defaults for a user\'s own folder', () => {
    const c = parseExperiment({ dataset: { root: 'data' } });
    expect(c.recipe).toBe('default');
    expect(c.dataset.labels).toEqual({ source: 'auto' });
    expect(c.audio.duration).toBe('auto');
    expect(c.split).toEqual({ kind: 'auto', test: 0.2, validation: 0.1 });
    expect(c.features.normalize).toBe('standardize');
    expect(trainSettings(c)).toMatchObject({ epochs: 30, earlyStopping: { monitor: 'val_loss', patience: 5, minDelta: 0 } });
    expect(() => recipeFromConfig(c)).toThrow(/audio\.duration auto needs the duration chosen from the scan/);
    expect(recipeFromConfig(c, 0.7).clip).toEqual({ duration: 0.7, pad: 'zeros', crop: 'start' });
    // What the file says wins; a split without validation gets no early stopping.
    const own = parseExperiment({ dataset: { root: 'd', preset: 'fsdd' }, split: { kind: 'official' }, audio: { duration: 1 }, train: { epochs: 5 } });
    expect([own.dataset.labels, own.audio.duration, own.train.epochs, own.train.early_stopping]).toEqual([undefined, 1, 5, null]);
  });

  it('maps snake_case to the packages’ camelCase options', () => {
    const c = parseExperiment({
      dataset: { root: 'd' },
      audio: { sr: 16000, duration: 1.5 },
      features: { n_fft: 1024, hop_length: 256, win_length: 512, fmax: 7000, db: { kind: 'amplitude', top_db: null } },
      model: { name: 'cnn', channels: [8, 16], dense_units: 32 },
    });
    expect(recipeFromConfig(c)).toMatchObject({
      sr: 16000,
      clip: { duration: 1.5, pad: 'zeros', crop: 'start' },
      stft: { nFft: 1024, hopLength: 256, winLength: 512 },
      mel: { fmax: 7000 },
      db: { kind: 'amplitude', amin: 1e-5, topDb: null },
    });
    expect(recipeFromConfig(parseExperiment({ recipe: 'seed', dataset: { root: 'd' }, features: { db: { kind: 'none' }, n_mfcc: 13 } }))).toMatchObject({ db: null, mfcc: { nMfcc: 13 } });
    expect(modelSpec(c)).toMatchObject({ name: 'cnn', channels: [8, 16], denseUnits: 32, kernelSize: 3 });
  });
});

describe('validation', () => {
  it('rejects an unknown key with its path', () => {
    expect(problemsOf(() => parseExperiment({ dataset: { root: 'd' }, train: { epoch: 3 } }))).toEqual(['train.epoch: unknown key']);
  });

  it('names each bad value by key path', () => {
    const problems = problemsOf(() =>
      parseExperiment({ dataset: { root: 'd', on_error: 'ignore' }, audio: { sr: -1 }, runtime: { backend: 'gpu' } }),
    );
    expect(problems.some((p) => p.startsWith('dataset.on_error:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('audio.sr:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('runtime.backend:'))).toBe(true);
  });

  it('requires dataset.root unless the preset is demo', () => {
    expect(problemsOf(() => parseExperiment({}))).toContain('dataset: Invalid input: expected object, received undefined');
    expect(problemsOf(() => parseExperiment({ dataset: {} }))[0]).toMatch(/^dataset\.root: required/);
    expect(parseExperiment({ dataset: { preset: 'demo' } }).dataset.preset).toBe('demo');
  });
});

describe('--set', () => {
  it('overrides any key, parsing the value as YAML', () => {
    const raw = applyOverrides({ train: { epochs: 10 } }, ['train.epochs=3', 'features.fmax=null', 'model.channels=[8, 16]', 'name=x']);
    expect(raw).toEqual({ train: { epochs: 3 }, features: { fmax: null }, model: { channels: [8, 16] }, name: 'x' });
  });

  it('rejects a malformed override', () => {
    expect(() => applyOverrides({}, ['train.epochs'])).toThrow(/expected key\.path=value/);
    expect(() => applyOverrides({ name: 'x' }, ['name.first=3'])).toThrow(/name is not a mapping/);
  });

  it('resolves paths written in the file against its folder, and --set paths against the working directory', async () => {
    const file = await yamlFile('dataset: { root: data }\ncache: { dir: ../shared-cache }\noutput: { dir: /abs/runs }\n');
    const folder = dirname(file);
    const config = await loadExperiment(file);
    expect([config.dataset.root, config.cache.dir, config.output.dir]).toEqual([join(folder, 'data'), join(dirname(folder), 'shared-cache'), '/abs/runs']);
    expect((await loadExperiment(file, ['dataset.root=elsewhere'])).dataset.root).toBe('elsewhere'); // resolved later, against the cwd
    const defaults = await loadExperiment(await yamlFile('dataset: { root: d }\n'));
    expect([defaults.cache.dir, defaults.output.dir]).toEqual(['.cache/earshot', 'runs']);
  });

  it('applies to a loaded file and is validated like the file', async () => {
    const file = await yamlFile('dataset: { root: d }\ntrain: { epochs: 10 }\n');
    expect((await loadExperiment(file, ['train.epochs=2'])).train.epochs).toBe(2);
    await expect(loadExperiment(file, ['train.epochs=zero'])).rejects.toThrow(/train\.epochs: Invalid input: expected number/);
  });
});

describe('CLI conventions', () => {
  afterEach(() => vi.restoreAllMocks());

  async function capture(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = { stdout: '', stderr: '' };
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true));
    const code = await main(args);
    return { code, ...out };
  }

  it('--version prints the package version; help <command> describes every argument and option', async () => {
    const pkg = JSON.parse(await readFile(new URL('apps/pipeline/package.json', repo), 'utf8')) as { version: string };
    expect(EARSHOT_VERSION).toBe(pkg.version);
    expect(await capture(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    for (const command of [[], ['mel'], ['predict'], ['compare'], ['cache'], ['cache', 'info'], ['cache', 'prune'], ['cache', 'export']]) {
      const help = await capture(['help', ...command]);
      expect(help.code, command.join(' ')).toBe(0);
      // Every argument and option line carries a description after its name.
      const entries = help.stdout.split('\n').filter((line) => /^ {2}\S/.test(line));
      expect(entries.length, command.join(' ')).toBeGreaterThan(0);
      for (const line of entries) expect(line, `${command.join(' ')}: ${line}`).toMatch(/^ {2}\S.*\S {2,}\S/);
    }
  });

  it('the earshot bin runs the CLI and exits with its code', () => {
    const bin = fileURLToPath(new URL('apps/pipeline/bin/earshot.js', repo));
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect([version.status, version.stdout]).toEqual([0, `${EARSHOT_VERSION}\n`]);
    const bad = spawnSync(process.execPath, [bin, 'predict', '/nonexistent/run', '/nonexistent/clip.wav'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: predict: /);
  });

  it('prints an unexpected error as one line, and its stack only with --debug', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'earshot-cli-'));
    for (const run of ['a', 'b']) {
      await mkdir(join(dir, run));
      await writeFile(join(dir, run, 'metrics.json'), '{ not json');
    }
    const plain = await capture(['compare', join(dir, 'a'), join(dir, 'b')]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^error: .*a\/metrics\.json: not valid JSON .*--debug prints the stack trace\)\n$/);
    expect(plain.stderr).not.toMatch(/^\s+at /m);
    const debug = await capture(['compare', join(dir, 'a'), join(dir, 'b'), '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});

describe('the CLI on a bad config', () => {
  afterEach(() => vi.restoreAllMocks());

  async function run(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(args);
    return { code, stderr };
  }

  it('exits 2 naming train.epoch for the typo', async () => {
    const file = await yamlFile('name: typo\ndataset: { root: d }\ntrain:\n  epoch: 3\n');
    const { code, stderr } = await run([file]);
    expect(code).toBe(2);
    expect(stderr).toContain('train.epoch: unknown key');
  });

  it('exits 2 on invalid YAML, a missing file, and a bad --set', async () => {
    expect((await run([await yamlFile('train: [unclosed\n')])).code).toBe(2);
    expect((await run(['/nonexistent/exp.yaml'])).stderr).toContain('cannot read');
    const file = await yamlFile('dataset: { root: d }\n');
    const bad = await run([file, '--set', 'runtime.backend=gpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('runtime.backend');
  });

  it('exits 2 on a bad CLI option', async () => {
    expect((await run(['mel', 'x.wav', '--out', 'x.npy', '--n-mels', 'lots'])).code).toBe(2);
    expect((await run(['mel', 'x.wav', '--out', 'x.npy', '--db', 'loud'])).code).toBe(2);
    expect((await run(['frobnicate-this-file-does-not-exist.yaml'])).code).toBe(2);
    const compare = await run(['compare', '/nonexistent/run-a', '/nonexistent/run-b']);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toContain('/nonexistent/run-a is not a run directory');
    expect((await run(['predict', '/nonexistent/run'])).code).toBe(2); // missing <inputs...>
    expect((await run(['cache', 'prune', '--older-than', 'soon'])).code).toBe(2);
  });
});

describe('JSON Schema and experiments', () => {
  it('the committed schemas are generated from the zod schemas', async () => {
    const committed = await readFile(new URL('schema/experiment.schema.json', repo), 'utf8');
    expect(committed, 'run `pnpm --filter @earshot/pipeline schema`').toBe(experimentJsonSchemaText());
    const metrics = await readFile(new URL('schema/metrics.schema.json', repo), 'utf8');
    expect(metrics, 'run `pnpm --filter @earshot/pipeline schema`').toBe(runMetricsJsonSchemaText());
  });

  it('every experiment points to the schema and validates', async () => {
    const dir = new URL('experiments/', repo);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['demo.yaml', 'fsdd.yaml', 'esc50.yaml']));
    for (const f of files) {
      const text = await readFile(new URL(f, dir), 'utf8');
      expect(text.split('\n')[0], f).toBe('# yaml-language-server: $schema=../schema/experiment.schema.json');
      await expect(loadExperiment(new URL(f, dir).pathname), f).resolves.toBeDefined();
    }
  });
});
