// The packages as a user gets them: features-mel and the classifier (with the earshot packages they
// need) packed into tarballs, installed into a scratch Vite app outside the workspace, built by Vite,
// and run in Chromium, where the app's classification must equal this process's.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium, localhostOnly, serveStatic } from '@earshot/browser-testing';
import { Classifier } from '../src/index.js';
import { chirp, modelFiles, useCpuBackend } from './fixture.js';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
/** The tarballs the app installs: the two it names, and the earshot packages they depend on. */
const PACKED = ['random', 'features-mel', 'audio', 'model-cnn', 'classifier'];
const VITE_VERSION = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).devDependencies.vite as string;

let work: string;
let app: string;
let install: SpawnSyncReturns<string>;
let build: SpawnSyncReturns<string>;

/** The environment without the npm_* variables of the `pnpm test` that runs this (they would steer the inner pnpm). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && k !== 'PNPM_SCRIPT_SRC_DIR'));
}

const MAIN_JS = `
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '@earshot/classifier';
import { melSpectrogram } from '@earshot/features-mel';

window.classify = async (samples, sampleRate) => {
  await tf.setBackend('cpu');
  const classifier = await Classifier.load(new URL('./model/', location.href));
  const prediction = await classifier.classifySamples(Float32Array.from(samples), sampleRate, { topK: 3 });
  const mel = melSpectrogram(Float32Array.from(samples), { sr: sampleRate, nFft: 1024, hopLength: 512, nMels: 40 });
  return { prediction, melSum: mel.data.reduce((s, v) => s + v, 0) };
};
document.querySelector('#status').textContent = 'ready';
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-vite-'));
  const tarballs = join(work, 'tarballs');
  const tgz: Record<string, string> = {};
  for (const name of PACKED) {
    const packed = spawnSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(packagesDir, name), encoding: 'utf8', env: cleanEnv() });
    if (packed.status !== 0) throw new Error(`pnpm pack ${name}: ${packed.stderr}`);
    const file = (await readdir(tarballs)).find((f) => f.startsWith(`earshot-${name}-`))!;
    tgz[`@earshot/${name}`] = `file:${join(tarballs, file)}`;
  }
  app = join(work, 'app');
  await mkdir(join(app, 'public', 'model'), { recursive: true });
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'scratch-app',
      private: true,
      type: 'module',
      dependencies: { '@earshot/classifier': tgz['@earshot/classifier'], '@earshot/features-mel': tgz['@earshot/features-mel'], '@tensorflow/tfjs': '4.22.0' },
      devDependencies: { vite: VITE_VERSION },
      pnpm: { overrides: tgz },
    }),
  );
  await writeFile(join(app, 'index.html'), '<!doctype html><html><body><p id="status">loading</p><script type="module" src="/main.js"></script></body></html>\n');
  await writeFile(join(app, 'main.js'), MAIN_JS);
  const files = await modelFiles();
  await writeFile(join(app, 'public', 'model', 'model.json'), JSON.stringify(files.modelJson));
  await writeFile(join(app, 'public', 'model', 'weights.bin'), new Uint8Array(files.weights));
  await writeFile(join(app, 'public', 'model', 'preprocess.json'), JSON.stringify(files.preprocess));
  install = spawnSync('pnpm', ['install', '--prefer-offline', '--ignore-workspace', '--config.confirmModulesPurge=false'], { cwd: app, encoding: 'utf8', env: cleanEnv() });
  build = install.status === 0 ? spawnSync(join(app, 'node_modules', '.bin', 'vite'), ['build'], { cwd: app, encoding: 'utf8', env: cleanEnv() }) : install;
}, 600_000);

afterAll(() => rm(work, { recursive: true, force: true }));

describe('a scratch Vite app on the packed tarballs', () => {
  it('installs them and builds', async () => {
    expect(install.status, install.stderr + install.stdout).toBe(0);
    expect(build.status, build.stderr + build.stdout).toBe(0);
    const assets = await readdir(join(app, 'dist', 'assets'));
    expect(assets.some((f) => f.endsWith('.js'))).toBe(true);
    // The installed packages are the tarballs' copies, not links into this workspace.
    const installed = JSON.parse(await readFile(join(app, 'node_modules', '@earshot', 'classifier', 'package.json'), 'utf8'));
    expect(installed.name).toBe('@earshot/classifier');
    expect(await readdir(join(app, 'node_modules', '@earshot'))).toEqual(expect.arrayContaining(['classifier', 'features-mel']));
  });

  it.skipIf(!browserAvailable)('runs in Chromium and classifies exactly as Node does', async () => {
    const server = await serveStatic(join(app, 'dist'));
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const outside = await localhostOnly(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      await page.locator('#status', { hasText: 'ready' }).waitFor();
      const y = chirp(1.2, 44100);
      const inBrowser = (await page.evaluate(({ samples }) => (globalThis as unknown as { classify(s: number[], sr: number): Promise<unknown> }).classify(samples, 44100), { samples: Array.from(y) })) as {
        prediction: Awaited<ReturnType<Classifier['classifySamples']>>;
      };
      await useCpuBackend();
      const here = await (await Classifier.fromArtifacts(await modelFiles())).classifySamples(y, 44100, { topK: 3 });
      expect(inBrowser.prediction.windows.length).toBe(here.windows.length);
      let worst = 0;
      here.windows.forEach((w, i) => {
        for (const [label, p] of Object.entries(w.scores)) worst = Math.max(worst, Math.abs(p - inBrowser.prediction.windows[i]!.scores[label]!));
      });
      expect(worst).toBeLessThanOrEqual(1e-6);
      expect(inBrowser.prediction.top.map((t) => t.label)).toEqual(here.top.map((t) => t.label));
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
