import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DEMO_LABELS, DEMO_SAMPLE_RATE, generateClip } from './generate.js';
import { encodeWavPcm16 } from './wav.js';

/** Bump when the synthesis changes, so existing datasets are regenerated. */
export const DEMO_GENERATOR_VERSION = 3;
export const DEMO_MANIFEST = '.earshot-demo.json';

export interface DemoDatasetOptions {
  /** Seed of the whole dataset (default 0). */
  seed?: number;
  /** Clips per class (default 80). */
  perClass?: number;
  /** Nominal clip duration in seconds (default 2.5; each clip lasts 0.8–1.2 × this, so 2–3 s). */
  seconds?: number;
}

export interface DemoParams {
  seed: number;
  perClass: number;
  seconds: number;
  sampleRate: number;
}

export interface DemoManifest {
  generator: 'earshot-demo';
  version: number;
  params: DemoParams;
  labels: string[];
  files: number;
}

export function resolveDemoParams(opts: DemoDatasetOptions = {}): DemoParams {
  const params = { seed: opts.seed ?? 0, perClass: opts.perClass ?? 80, seconds: opts.seconds ?? 2.5, sampleRate: DEMO_SAMPLE_RATE };
  if (!Number.isInteger(params.seed)) throw new Error(`demo dataset: seed must be an integer, got ${params.seed}`);
  if (!Number.isInteger(params.perClass) || params.perClass < 1) {
    throw new Error(`demo dataset: perClass must be a positive integer, got ${params.perClass}`);
  }
  if (!(params.seconds >= 0.1 && params.seconds <= 60)) {
    throw new Error(`demo dataset: seconds must be between 0.1 and 60, got ${params.seconds}`);
  }
  return params;
}

/** `bird/bird-007.wav`: the relative path of one clip. */
export function demoClipPath(label: string, index: number): string {
  return join(label, `${label}-${String(index).padStart(3, '0')}.wav`);
}

async function readManifest(dir: string): Promise<DemoManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, DEMO_MANIFEST), 'utf8')) as DemoManifest;
  } catch {
    return undefined;
  }
}

function matches(manifest: DemoManifest | undefined, params: DemoParams): boolean {
  return (
    manifest?.generator === 'earshot-demo' &&
    manifest.version === DEMO_GENERATOR_VERSION &&
    JSON.stringify(manifest.params) === JSON.stringify(params)
  );
}

async function isMissingOrEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

async function generateInto(dir: string, params: DemoParams): Promise<void> {
  for (const label of DEMO_LABELS) {
    await mkdir(join(dir, label), { recursive: true });
    for (let index = 0; index < params.perClass; index++) {
      const clip = generateClip({ label, index, seed: params.seed, seconds: params.seconds, sampleRate: params.sampleRate });
      await writeFile(join(dir, demoClipPath(label, index)), encodeWavPcm16(clip, params.sampleRate));
    }
  }
  // The manifest goes last: a folder without it is never taken for a finished dataset.
  const manifest: DemoManifest = {
    generator: 'earshot-demo',
    version: DEMO_GENERATOR_VERSION,
    params,
    labels: [...DEMO_LABELS],
    files: DEMO_LABELS.length * params.perClass,
  };
  await writeFile(join(dir, DEMO_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Removes temporary folders left next to `target` by generations that were killed. */
async function removeAbandoned(parent: string, target: string): Promise<void> {
  const pattern = new RegExp(`^\\.${basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|old)-(\\d+)-[0-9a-f]+$`);
  for (const name of await readdir(parent)) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (pid && !isAlive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}

/**
 * Makes sure `root` holds the synthetic bird/car/rain dataset for these parameters and returns
 * `root` (absolute), the folder holding the `bird/`, `car/` and `rain/` class folders.
 *
 * The dataset is generated on first use and reused while its manifest (generator version and
 * parameters) matches; otherwise it is regenerated. Generation writes into a sibling temporary
 * folder that is renamed into place, so an interrupted run never leaves a half dataset behind.
 * `root` belongs to the generator: a non-empty folder without a demo manifest is refused.
 */
export async function ensureDemoDataset(root: string, opts: DemoDatasetOptions = {}): Promise<string> {
  const params = resolveDemoParams(opts);
  const target = resolve(root);
  const existing = await readManifest(target);
  if (matches(existing, params)) return target;
  if (!existing && !(await isMissingOrEmpty(target))) {
    throw new Error(`demo dataset: ${target} is not empty and holds no ${DEMO_MANIFEST}; refusing to overwrite it`);
  }

  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  await removeAbandoned(parent, target);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = join(parent, `.${basename(target)}.tmp-${suffix}`);
  const retired = join(parent, `.${basename(target)}.old-${suffix}`);
  try {
    await generateInto(temporary, params);
    // Another process may have finished the same dataset meanwhile: keep it rather than swap it
    // away under a reader.
    if (matches(await readManifest(target), params)) return target;
    await rename(target, retired).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    try {
      await rename(temporary, target);
    } catch (error) {
      // Another process finished the same dataset first: use it if it is the one we need.
      if (matches(await readManifest(target), params)) return target;
      throw error;
    }
  } finally {
    await rm(temporary, { recursive: true, force: true });
    await rm(retired, { recursive: true, force: true });
  }
  return target;
}
