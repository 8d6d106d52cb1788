// `export --web` end to end: train on real FSDD recordings, export the page, serve it on localhost,
// and drive it in real Chromium (file input, window.earshot.classify, the fake microphone) against
// `predict --json` of the same run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWaveform } from '@earshot/audio';
import type { Prediction } from '@earshot/classifier';
import { encodeWavPcm16 } from '@earshot/demo-sounds';
import { FSDD_RECORDINGS, linkFsddSlice } from './helpers.js';
import { artifactPath, browserAvailable, launchChromium, localhostOnly, serveStatic, type Browser, type BrowserContext, type Page } from '@earshot/browser-testing';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface PredictJson {
  run: string;
  labels: string[];
  predictions: Prediction[];
}

const runCli = (args: string[], cwd: string) => spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

/** Largest |Δp| between two predictions of one file: the file's top-k and every window's scores. */
function maxProbDiff(a: Prediction, b: Prediction): number {
  let diff = 0;
  const top = new Map(b.top.map((t) => [t.label, t.p]));
  for (const t of a.top) diff = Math.max(diff, Math.abs(t.p - (top.get(t.label) ?? Number.NaN)));
  a.windows.forEach((w, i) => {
    for (const [label, p] of Object.entries(w.scores)) diff = Math.max(diff, Math.abs(p - (b.windows[i]?.scores[label] ?? Number.NaN)));
  });
  return diff;
}

let work: string;
let runDir: string;
let files: string[];
let expected: Map<string, Prediction>;
let micDigit: string;
let server: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let outside: string[];

/** Test recordings (index 0–4: FSDD's official test split), a spread of digits and speakers. */
async function pickTestFiles(): Promise<string[]> {
  const names = (await readdir(join(work, 'data'))).filter((n) => Number(/_(\d+)\.wav$/.exec(n)?.[1]) <= 4).sort();
  const picked: string[] = [];
  const speakers = [...new Set(names.map((n) => n.split('_')[1]!))];
  for (let digit = 0; digit < 10; digit++) {
    const speaker = speakers[digit % speakers.length]!;
    picked.push(join(work, 'data', names.find((n) => n.startsWith(`${digit}_${speaker}_`))!));
  }
  return picked;
}

/** A 3.3 s clip of three spoken digits (8 kHz, as FSDD) and a 44.1 kHz stereo copy of one: long-clip windows and another rate. */
async function writeDerivedClips(sources: string[]): Promise<string[]> {
  const waves = await Promise.all(sources.slice(0, 3).map(async (p) => (await decodeWaveform(await readFile(p), { sr: null })).y));
  const long = new Float32Array(26400);
  let at = 0;
  for (const y of waves) {
    long.set(y.subarray(0, Math.min(y.length, 8800)), at);
    at += 8800;
  }
  const longPath = join(work, 'clips', 'three-digits.wav');
  await writeFile(longPath, encodeWavPcm16(long, 8000));
  // 44.1 kHz stereo: linear interpolation is enough to make a plausible recording at another rate.
  const y = waves[1]!;
  const n = Math.floor((y.length * 44100) / 8000);
  const stereo = new Int16Array(n * 2);
  for (let i = 0; i < n; i++) {
    const t = (i * 8000) / 44100;
    const k = Math.floor(t);
    const v = (y[k] ?? 0) + ((y[k + 1] ?? 0) - (y[k] ?? 0)) * (t - k);
    stereo[2 * i] = Math.round(v * 32767 * 0.9);
    stereo[2 * i + 1] = Math.round(v * 32767 * 0.7);
  }
  const stereoPath = join(work, 'clips', 'stereo-44k.wav');
  await writeFile(stereoPath, wavStereo16(stereo, 44100));
  return [longPath, stereoPath];
}

function wavStereo16(samples: Int16Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.byteLength);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.byteLength, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 2, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 4, true);
  view.setUint16(32, 4, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.byteLength, true);
  bytes.set(new Uint8Array(samples.buffer), 44);
  return bytes;
}

/** The spoken digit the fake microphone plays: 0.3 s of silence, the recording, silence to 1.6 s (Chromium loops it). */
async function writeMicClip(path: string): Promise<string> {
  const { y } = await decodeWaveform(await readFile(path), { sr: null });
  const clip = new Float32Array(12800);
  clip.set(y.subarray(0, 12800 - 2400), 2400);
  const out = join(work, 'clips', 'mic.wav');
  await writeFile(out, encodeWavPcm16(clip, 8000));
  return out;
}

const ready = existsSync(cli) && existsSync(FSDD_RECORDINGS) && browserAvailable;

beforeAll(async () => {
  if (!ready) return;
  work = await mkdtemp(join(tmpdir(), 'earshot-web-'));
  await linkFsddSlice(join(work, 'data'));
  await mkdir(join(work, 'clips'));
  await writeFile(
    join(work, 'fsdd.yaml'),
    [
      'recipe: seed',
      'name: fsdd-web',
      'dataset: { root: data, preset: fsdd }',
      'split: { kind: official }',
      'audio: { sr: 22050, duration: 1.0, pad: zeros, crop: start }',
      'train: { epochs: 10 }',
      'cache: { dir: cache }',
      'output: { dir: runs }',
      '',
    ].join('\n'),
  );
  const train = runCli(['fsdd.yaml', '--quiet'], work);
  if (train.status !== 0) throw new Error(`training failed: ${train.stderr}`);
  runDir = resolve(work, train.stdout.trimEnd().split('\n').pop()!);

  const tests = await pickTestFiles();
  files = [...tests, ...(await writeDerivedClips(tests))];
  const predicted = runCli(['predict', runDir, ...files, '--json', '--top-k', '10'], work);
  if (predicted.status !== 0) throw new Error(`predict failed: ${predicted.stderr}`);
  expected = new Map((JSON.parse(predicted.stdout) as PredictJson).predictions.map((p) => [p.path, p]));

  // The microphone plays a test recording that predict gets right with confidence.
  const sure = tests.find((p) => {
    const top = expected.get(p)!.top[0]!;
    return top.label === basename(p)[0] && top.p > 0.9;
  });
  if (!sure) throw new Error('no test recording is classified right with p > 0.9');
  micDigit = basename(sure)[0]!;
  const micClip = await writeMicClip(sure);

  const exported = runCli(['export', runDir, '--web', 'web'], work);
  if (exported.status !== 0) throw new Error(`export failed: ${exported.stderr}`);
  server = await serveStatic(join(work, 'web'));
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${micClip}`]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['microphone']);
  outside = await localhostOnly(context);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(server!.url);
  await page.evaluate(() => (globalThis as unknown as { earshot: { ready: Promise<void> } }).earshot.ready);
  return { page, errors };
}

describe.skipIf(!ready)('the exported page in Chromium', () => {
  it('writes a static folder: page, bundle, model and run facts', async () => {
    const web = join(work, 'web');
    const names = await readdir(web);
    for (const name of ['index.html', 'run.json', 'model']) expect(names).toContain(name);
    expect(names.some((n) => n.endsWith('.js'))).toBe(true);
    expect((await readdir(join(web, 'model'))).sort()).toEqual(['model.json', 'preprocess.json', 'weights.bin']);
    const info = JSON.parse(await readFile(join(web, 'run.json'), 'utf8'));
    expect(info).toMatchObject({ format: 'earshot-web-export', version: 1, run: basename(runDir), name: 'fsdd-web', labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
    expect(info.test.accuracy).toBeGreaterThan(0.8);
    const html = await readFile(join(web, 'index.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)=["']https?:/); // nothing from outside
  });

  it('window.earshot.classify gives predict --json, file by file (same top-1, |Δp| ≤ 1e-4)', async () => {
    const { page, errors } = await openPage();
    let worst = 0;
    for (const path of files) {
      const bytes = Array.from(await readFile(path));
      const result = (await page.evaluate(
        async ({ bytes, name }) => (globalThis as unknown as { earshot: { classify(b: ArrayBuffer, o: object): Promise<PredictJson> } }).earshot.classify(new Uint8Array(bytes).buffer, { topK: 10, name }),
        { bytes, name: path },
      )) as PredictJson;
      const want = expected.get(path)!;
      expect(result.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(result.run).toBe(basename(runDir));
      const got = result.predictions[0]!;
      expect(got.path).toBe(path);
      expect(got.error).toBeUndefined();
      expect(got.top[0]!.label, path).toBe(want.top[0]!.label);
      expect(got.top.map((t) => t.label)).toEqual(want.top.map((t) => t.label));
      expect(got.windows.map((w) => [w.start, w.end])).toEqual(want.windows.map((w) => [w.start, w.end]));
      worst = Math.max(worst, maxProbDiff(got, want));
    }
    expect(expected.get(files.at(-2)!)!.windows.length).toBeGreaterThan(1); // the long clip really has windows
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('classifies files picked with the file input, showing predict --json\'s top-1 for each', async () => {
    const { page, errors } = await openPage();
    await page.setInputFiles('#file-input', files);
    for (const path of files) {
      const item = page.locator(`#results [data-file="${basename(path)}"][data-top1]`);
      await item.waitFor({ timeout: 60_000 });
      expect(await item.getAttribute('data-top1'), path).toBe(expected.get(path)!.top[0]!.label);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('classifies the microphone live: the spoken digit is the top label', async () => {
    const { page, errors } = await openPage();
    await page.click('#mic-toggle');
    expect(await page.getAttribute('#mic-toggle', 'aria-pressed')).toBe('true');
    // FSDD clips start with their digit, so the page classifies the window from each sound's onset:
    // about one update per loop of the 1.6 s recording. Collect a few.
    const seen: string[] = [];
    const deadline = Date.now() + 25_000;
    let last = 0;
    while (seen.length < 5 && Date.now() < deadline) {
      const live = await page.evaluate(() => (globalThis as unknown as { earshot: { live: { top: { label: string }[] | null; updates: number } } }).earshot.live);
      if (live.updates > last && live.top) {
        seen.push(live.top[0]!.label);
        last = live.updates;
      }
      await page.waitForTimeout(100);
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const right = seen.filter((label) => label === micDigit).length;
    expect(right / seen.length, `live top-1 over ${seen.length} updates: ${seen.join(' ')}; the digit is ${micDigit}`).toBeGreaterThanOrEqual(0.75);
    expect(await page.locator('#live-top [data-rank="1"]').getAttribute('data-label')).toBeTruthy();
    const level = Number(await page.locator('#level').getAttribute('aria-valuenow'));
    expect(level).toBeGreaterThan(-90); // the meter hears the recording, not silence
    await page.click('#mic-toggle');
    expect(await page.getAttribute('#mic-toggle', 'aria-pressed')).toBe('false');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks for nothing outside localhost, and saves a screenshot', async () => {
    const { page } = await openPage();
    await page.setInputFiles('#file-input', files.slice(0, 3));
    await page.locator('#results [data-top1]').nth(2).waitFor({ timeout: 60_000 });
    const png = await artifactPath('web-page.png');
    await page.screenshot({ path: png, fullPage: true });
    expect((await stat(png)).size).toBeGreaterThan(10_000);
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = await artifactPath('web-page-phone.png');
    await page.screenshot({ path: phone, fullPage: true });
    // Readable on a phone: nothing wider than the screen.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(outside).toEqual([]);
    await page.close();
  });
});

describe.skipIf(!ready)('export --web refuses what it must not overwrite', () => {
  it('names a non-run directory, and a folder holding other files', async () => {
    const notRun = runCli(['export', work, '--web', 'elsewhere'], work);
    expect(notRun.status).toBe(2);
    expect(notRun.stderr).toMatch(/is not a run directory with a trained model/);
    expect(notRun.stderr).not.toMatch(/\n\s+at /);
    await mkdir(join(work, 'busy'));
    await writeFile(join(work, 'busy', 'notes.txt'), 'mine');
    const busy = runCli(['export', runDir, '--web', 'busy'], work);
    expect(busy.status).toBe(2);
    expect(busy.stderr).toMatch(/--web busy is a folder that holds other files/);
    expect(await readFile(join(work, 'busy', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('replaces an earlier export whole, and clears what a killed export left', async () => {
    await mkdir(join(work, 'web.tmp-999999')); // no such process: an export killed while staging
    await writeFile(join(work, 'web.tmp-999999', 'index.html'), 'half');
    const again = runCli(['export', runDir, '--web', 'web'], work);
    expect(again.status, again.stderr).toBe(0);
    expect((await readdir(work)).filter((n) => n.startsWith('web.'))).toEqual([]); // no staging left behind
  });
});
