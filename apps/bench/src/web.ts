/**
 * bench:web — an exported page in Chromium: its bundle size and the time to classify a 1 s clip in
 * the browser (decode, libsoxr in WebAssembly, features, tfjs CPU backend), beside the same clips
 * classified by `predict`'s code in this Node process (native runtime where built). Both sides run
 * here, in one run, with the CPU model and load printed.
 *
 *   node apps/bench/dist/web.js [--run <run-dir>] [--clips 20]
 *
 * Without --run it trains experiments/fsdd.yaml (the seed recipe: 1 s windows) into a temp folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { browserAvailable, launchChromium, localhostOnly, serveStatic } from '@earshot/browser-testing';
import { Classifier } from '@earshot/classifier';
import { loadAudio } from '@earshot/dataset-io';
import { encodeWavPcm16 } from '@earshot/demo-sounds';
import { loadModel } from '@earshot/model-cnn';
import { initBackend } from '@earshot/tf-runtime';
import { cpuModel, loadLine } from './machine.js';
import { fsddRecordings, workspaceRoot } from './workspace.js';

const cli = join(workspaceRoot(), 'apps', 'pipeline', 'dist', 'cli.js');

function runCli(args: string[], cwd: string): string {
  const child = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (child.status !== 0) throw new Error(`earshot ${args.join(' ')} failed:\n${child.stderr}`);
  return child.stdout;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** 1 s clips at 44.1 kHz (a browser's usual rate, so resampling is timed too) from FSDD test recordings. */
async function oneSecondClips(count: number): Promise<Uint8Array[]> {
  const names = readdirSync(fsddRecordings()).filter((n) => /_[0-4]\.wav$/.test(n)).sort().slice(0, count);
  return Promise.all(
    names.map(async (name) => {
      const { y } = await loadAudio(join(fsddRecordings(), name), { sr: 44100 });
      const clip = new Float32Array(44100);
      clip.set(y.subarray(0, 44100));
      return encodeWavPcm16(clip, 44100);
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { run: { type: 'string' }, clips: { type: 'string', default: '20' } } });
  if (!browserAvailable) throw new Error('bench:web needs Chromium (/usr/bin/chromium, or EARSHOT_CHROMIUM)');
  const work = mkdtempSync(join(tmpdir(), 'earshot-bench-web-'));
  try {
    console.log(`${cpuModel()}; ${loadLine()}`);
    let runDir = values.run && resolve(values.run);
    if (!runDir) {
      console.log('training experiments/fsdd.yaml (the seed recipe) for the model…');
      const out = runCli([join(workspaceRoot(), 'experiments', 'fsdd.yaml'), '--quiet', '--set', `output.dir=${join(work, 'runs')}`, '--set', `cache.dir=${join(work, 'cache')}`], work);
      runDir = resolve(work, out.trimEnd().split('\n').pop()!);
    }
    const web = join(work, 'web');
    runCli(['export', runDir, '--web', web], work);

    const files = readdirSync(web);
    const bundle = readFileSync(join(web, 'earshot.js'));
    const chunks = files.filter((f) => f.startsWith('chunk-')).reduce((s, f) => s + statSync(join(web, f)).size, 0);
    const model = readdirSync(join(web, 'model')).reduce((s, f) => s + statSync(join(web, 'model', f)).size, 0);
    console.log(`bundle: earshot.js ${kb(bundle.length)} (${kb(gzipSync(bundle).length)} gzipped); decoder chunks ${kb(chunks)}, loaded only for compressed formats; model ${kb(model)}`);

    const clips = await oneSecondClips(Number(values.clips));
    const server = await serveStatic(web);
    const browser = await launchChromium();
    let inBrowser: number[];
    try {
      const context = await browser.newContext();
      const outside = await localhostOnly(context);
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(server.url);
      await page.evaluate(() => (globalThis as unknown as { earshot: { ready: Promise<void> } }).earshot.ready);
      console.log(`page ready (model loaded) in ${Date.now() - t0} ms`);
      inBrowser = (await page.evaluate(async (clipBytes) => {
        const { earshot } = globalThis as unknown as { earshot: { classify(b: ArrayBuffer): Promise<unknown> } };
        const times: number[] = [];
        for (let round = 0; round < 2; round++) {
          for (const bytes of clipBytes) {
            const t = performance.now();
            await earshot.classify(new Uint8Array(bytes).buffer);
            if (round === 1) times.push(performance.now() - t); // the first round warms up
          }
        }
        return times;
      }, clips.map((c) => Array.from(c)))) as number[];
      if (outside.length) throw new Error(`the page asked for ${outside.join(', ')}`);
    } finally {
      await browser.close();
      await server.close();
    }

    const backend = await initBackend({ backend: 'auto' });
    const classifier = await Classifier.fromModel(await loadModel(join(runDir, 'model')));
    const inNode: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (const clip of clips) {
        const t = performance.now();
        await classifier.classifyAudio(clip);
        if (round === 1) inNode.push(performance.now() - t);
      }
    }
    const b = median(inBrowser);
    const n = median(inNode);
    console.log(`per 1 s clip (44.1 kHz WAV → decode → soxr → log-mel → CNN), median of ${clips.length} (p10–p90):`);
    console.log(`  Chromium, tfjs cpu backend: ${b.toFixed(1)} ms (${quantile(inBrowser, 0.1).toFixed(1)}–${quantile(inBrowser, 0.9).toFixed(1)})`);
    console.log(`  Node, ${backend.backend} backend:     ${n.toFixed(1)} ms (${quantile(inNode, 0.1).toFixed(1)}–${quantile(inNode, 0.9).toFixed(1)})`);
    console.log(`  ratio browser / Node: ${(b / n).toFixed(2)}`);
    console.log(loadLine());
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
