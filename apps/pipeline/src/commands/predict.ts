import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Classifier, type Prediction } from '@earshot/classifier';
import { DEFAULT_AUDIO_EXTENSIONS } from '@earshot/dataset-io';
import { loadModel } from '@earshot/model-cnn';
import { initBackend } from '@earshot/tf-runtime';
import { runFiles } from '../run-dir.js';
import { ReportedFailure, UsageError, errorReason } from '../errors.js';

/** Audio files of the inputs (folders walked, sorted); a folder without audio is an error of its own. */
async function expandInputs(inputs: readonly string[]): Promise<{ files: string[]; empty: string[] }> {
  const audio = new Set<string>(DEFAULT_AUDIO_EXTENSIONS);
  const files: string[] = [];
  const empty: string[] = [];
  const walk = async (path: string, explicit: boolean): Promise<void> => {
    let s;
    try {
      s = await stat(path);
    } catch {
      throw new UsageError(`predict: ${path}: no such file or folder`);
    }
    if (s.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const name of entries) await walk(join(path, name), false);
    } else if (explicit || audio.has(extname(path).toLowerCase())) {
      files.push(path);
    }
  };
  for (const input of inputs) {
    const before = files.length;
    await walk(input, true);
    if (files.length === before) empty.push(input);
  }
  return { files, empty };
}

/** Classifies files with a run's model, computing exactly its training features (preprocess.json). */
export async function predictFiles(runDir: string, inputs: readonly string[], topK: number): Promise<{ labels: readonly string[]; predictions: Prediction[] }> {
  await initBackend({ backend: 'auto' });
  const loaded = await loadModel(join(runDir, runFiles.model)).catch((err: Error) => {
    throw new UsageError(`predict: ${runDir} is not a run directory with a trained model (${err.message})`);
  });
  const classifier = await Classifier.fromModel(loaded);
  const { files, empty } = await expandInputs(inputs);
  const predictions: Prediction[] = empty.map((path) => ({ path, top: [], windows: [], error: 'no audio files in this folder' }));
  for (const path of files) {
    try {
      predictions.push(await classifier.classifyAudio(await readFile(path), { topK, name: path }));
    } catch (err) {
      predictions.push({ path, top: [], windows: [], error: errorReason(err) });
    }
  }
  classifier.dispose();
  return { labels: classifier.labels, predictions };
}

/**
 * Prints each file's top labels (or `--json`); failures go to stderr, one line per file, and make
 * the exit code 1 after every other file was classified.
 */
export async function predictCommand(runDir: string, inputs: string[], opts: { topK: number; json?: boolean }): Promise<void> {
  const { labels, predictions } = await predictFiles(runDir, inputs, opts.topK);
  const failed = predictions.filter((p) => p.error !== undefined);
  if (opts.json) process.stdout.write(`${JSON.stringify({ run: runDir, labels, predictions }, null, 2)}\n`);
  for (const p of predictions) {
    if (p.error !== undefined) process.stderr.write(`${p.path}: error: ${p.error}\n`);
    else if (!opts.json) {
      console.log(`${p.path}: ${p.top.map((t) => `${t.label} ${(t.p * 100).toFixed(1)}%`).join(', ')}${p.windows.length > 1 ? ` (${p.windows.length} windows)` : ''}`);
    }
  }
  if (failed.length > 0) throw new ReportedFailure();
}
