import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { loadModel, type Preprocess } from '@earshot/model-cnn';
import { asSpaceError } from '@earshot/model-cnn/atomic-write';
import { initBackend } from '@earshot/tf-runtime';
import type { RunInfo } from '@earshot/web-app/run-info';
import { runFiles } from '../run-dir.js';
import { UsageError } from '../errors.js';

/** `run.json` of a web export (RunInfo): what the page shows beside the model. */
const EXPORT_FORMAT: RunInfo['format'] = 'earshot-web-export';
const MODEL_FILES = ['model.json', 'preprocess.json'] as const;

/** The built page (index.html, bundle, worklet) of @earshot/web-app. */
async function pageDir(): Promise<string> {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@earshot/web-app/package.json')), 'dist');
  const files = await readdir(dir).catch(() => [] as string[]);
  if (!files.includes('index.html')) throw new UsageError(`export: the web page is not built (${dir} has no index.html): run pnpm build`);
  return dir;
}

/** The model's files by name: model.json, preprocess.json and the weight files its manifest lists. */
function modelFileNames(modelJson: { weightsManifest: { paths: string[] }[] }): string[] {
  const weights = modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => p.replace(/^\.\//, '')));
  for (const w of weights) if (w.includes('/') || w.includes('\\') || w === '..') throw new UsageError(`export: model.json lists a weight file outside the model folder: ${w}`);
  return [...MODEL_FILES, ...weights];
}

interface RunMetrics {
  name?: string;
  created?: string;
  model?: { name?: string; params?: number };
  features?: { res_type?: string; shape?: [number, number] };
  test?: RunInfo['test'] & { per_class?: { support: number }[] };
}

function runInfo(runDir: string, preprocess: Preprocess, metrics: RunMetrics | null): RunInfo {
  const test = metrics?.test;
  return {
    format: EXPORT_FORMAT,
    version: 1,
    run: basename(resolve(runDir)),
    name: metrics?.name ?? String(preprocess.extra?.name ?? basename(resolve(runDir))),
    created: metrics?.created ?? '',
    exportedAt: new Date().toISOString(),
    labels: preprocess.labels,
    model: { name: metrics?.model?.name ?? 'cnn', params: metrics?.model?.params ?? 0 },
    test: test
      ? {
          accuracy: test.accuracy,
          balanced_accuracy: test.balanced_accuracy,
          macro_f1: test.macro_f1,
          weighted_f1: test.weighted_f1,
          top_k: test.top_k,
          n: (test.per_class ?? []).reduce((sum, c) => sum + c.support, 0),
          per_class: (test.per_class ?? []).map(({ label, precision, recall, f1, support }) => ({ label, precision, recall, f1, support })),
        }
      : null,
    features: {
      res_type: metrics?.features?.res_type ?? (preprocess.extra?.resType === 'speex' ? 'speex' : 'soxr_hq'),
      shape: preprocess.inputShape,
    },
  };
}

/** Whether process `pid` is alive (signal 0 probes without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `<out>.tmp-<pid>` and `<out>.old-<pid>` folders that a killed export left behind. */
async function removeStaleSiblings(out: string): Promise<void> {
  const prefix = `${basename(out)}.`;
  const names = await readdir(dirname(out)).catch(() => [] as string[]);
  for (const name of names) {
    const pid = name.startsWith(prefix) ? /^(?:tmp|old)-(\d+)$/.exec(name.slice(prefix.length))?.[1] : undefined;
    if (pid !== undefined && (Number(pid) === process.pid || !alive(Number(pid)))) await rm(join(dirname(out), name), { recursive: true, force: true });
  }
}

/** Refuses to replace anything but an empty folder or an earlier export. */
async function checkTarget(out: string, shown: string): Promise<'absent' | 'replace'> {
  const entries = await readdir(out).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    if (err.code === 'ENOTDIR') throw new UsageError(`export: --web ${shown} is a file, not a folder`);
    throw err;
  });
  if (entries === null) return 'absent';
  if (entries.length === 0) return 'replace';
  const info = await readFile(join(out, 'run.json'), 'utf8').then(JSON.parse, () => null) as { format?: string } | null;
  if (info?.format !== EXPORT_FORMAT) throw new UsageError(`export: --web ${shown} is a folder that holds other files (not an earlier earshot export); choose a new or empty folder`);
  return 'replace';
}

/**
 * `export <run-dir> --web <out>`: a static folder that classifies audio in a browser, offline, with the
 * run's model and exactly its features. It is assembled beside `out` and renamed into place, so an
 * interrupted export never leaves half a folder, and an earlier export is replaced whole.
 */
export async function exportWebCommand(runDir: string, opts: { web: string }): Promise<string> {
  const out = resolve(opts.web);
  const modelDir = join(runDir, runFiles.model);
  await initBackend({ backend: 'cpu' });
  // Loading the model checks every file the page will fetch: topology, weights and recipe.
  const { model, preprocess } = await loadModel(modelDir).catch((err: Error) => {
    throw new UsageError(`export: ${runDir} is not a run directory with a trained model (${err.message})`);
  });
  model.dispose();
  const modelJson = JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const metrics = (await readFile(join(runDir, runFiles.metrics), 'utf8').then(JSON.parse, () => null)) as RunMetrics | null;
  const page = await pageDir();
  const target = await checkTarget(out, opts.web);

  // Every file the folder gets, with its size: read once, for the space needed and the summary.
  const files = await Promise.all(
    [
      ...(await readdir(page)).map((name) => ({ from: join(page, name), to: name, model: false })),
      ...modelFileNames(modelJson).map((name) => ({ from: join(modelDir, name), to: join('model', name), model: true })),
    ].map(async (f) => ({ ...f, bytes: (await stat(f.from)).size })),
  );
  const bytesOf = (picked: typeof files) => picked.reduce((sum, f) => sum + f.bytes, 0);

  await removeStaleSiblings(out);
  const staging = `${out}.tmp-${process.pid}`;
  try {
    await mkdir(join(staging, 'model'), { recursive: true });
    for (const f of files) await copyFile(f.from, join(staging, f.to));
    await writeFile(join(staging, 'run.json'), `${JSON.stringify(runInfo(runDir, preprocess, metrics), null, 2)}\n`);
    if (target === 'replace') {
      const old = `${out}.old-${process.pid}`;
      await rename(out, old);
      await rename(staging, out);
      await rm(old, { recursive: true, force: true });
    } else {
      await mkdir(dirname(out), { recursive: true });
      await rename(staging, out);
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw await asSpaceError(err, dirname(out), bytesOf(files));
  }
  const chunks = files.filter((f) => f.to.startsWith('chunk-'));
  const bundle = files.find((f) => f.to === 'earshot.js');
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  return [
    `${opts.web}: the page for ${basename(resolve(runDir))} (${preprocess.labels.length} labels)`,
    `  earshot.js ${kb(bundle?.bytes ?? 0)}, model ${kb(bytesOf(files.filter((f) => f.model)))}, ${chunks.length} decoder chunks ${kb(bytesOf(chunks))} (loaded only for compressed formats)`,
    `  serve the folder from any static server, e.g.: python3 -m http.server -d ${opts.web} 8000`,
  ].join('\n');
}
