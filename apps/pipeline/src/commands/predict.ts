import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { arraySource, predict } from '@earshot/trainer';
import { DEFAULT_AUDIO_EXTENSIONS, resolveResType, type ResType } from '@earshot/dataset-io';
import type { FeatureRecipe } from '@earshot/features-mel';
import { loadModel, type Preprocess } from '@earshot/model-cnn';
import { initBackend } from '@earshot/tf-runtime';
import { createFileFeatures } from '../features/file-features.js';
import { runFiles } from '../run-dir.js';
import { topLabels } from '../stages/evaluate.js';
import { ReportedFailure, UsageError, errorReason } from '../errors.js';

export interface WindowScores {
  /** Seconds into the clip. */
  start: number;
  end: number;
  scores: Record<string, number>;
}

export interface FilePrediction {
  path: string;
  top: { label: string; p: number }[];
  /** Per-window probabilities; the file's scores are their mean. */
  windows: WindowScores[];
  error?: string;
}

/**
 * The recipe inference runs: the training recipe, with a fixed clip length even where training
 * clips all had one native length (it is the model's input width), and never a random crop
 * (a clip no longer than the model's window is cut as a held-out clip was).
 */
export function inferenceRecipe(p: Preprocess): FeatureRecipe {
  const { recipe } = p;
  if (!recipe.clip) {
    const length = (p.inputShape[1] - 1) * recipe.stft.hopLength;
    return { ...recipe, clip: { duration: length / recipe.sr, pad: 'zeros', crop: 'start' } };
  }
  return recipe.clip.crop === 'random' ? { ...recipe, clip: { ...recipe.clip, crop: 'center' } } : recipe;
}

/**
 * The training run's resampler (preprocess.json `extra.resType`) where this machine has it, so
 * predict computes the training features; otherwise the one available (features within ~0.02 dB).
 */
export function inferenceResType(p: Preprocess): ResType {
  const trained = p.extra?.resType;
  if (trained === 'speex') return 'speex';
  return resolveResType('auto');
}

/** Start samples of windows of `length` covering `n` samples, half-overlapping; the last ends at the clip's end. */
export function windowStarts(n: number, length: number): number[] {
  if (n <= length) return [0];
  const hop = Math.max(1, Math.floor(length / 2));
  const starts: number[] = [];
  for (let s = 0; s + length <= n; s += hop) starts.push(s);
  if (starts[starts.length - 1]! + length < n) starts.push(n - length);
  return starts;
}

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
export async function predictFiles(runDir: string, inputs: readonly string[], topK: number): Promise<{ labels: string[]; predictions: FilePrediction[] }> {
  await initBackend({ backend: 'auto' });
  const { model, preprocess } = await loadModel(join(runDir, runFiles.model)).catch((err: Error) => {
    throw new UsageError(`predict: ${runDir} is not a run directory with a trained model (${err.message})`);
  });
  const recipe = inferenceRecipe(preprocess);
  const { extractor, waveform } = createFileFeatures(recipe, inferenceResType(preprocess));
  const length = extractor.clipLength!;
  const labels = preprocess.labels;
  const [rows, cols] = preprocess.inputShape;
  const { files, empty } = await expandInputs(inputs);
  const predictions: FilePrediction[] = empty.map((path) => ({ path, top: [], windows: [], error: 'no audio files in this folder' }));
  for (const path of files) {
    try {
      const y = await waveform(await readFile(path));
      const starts = windowStarts(y.length, length);
      const batch = new Float32Array(starts.length * rows * cols);
      for (const [w, start] of starts.entries()) {
        // A clip no longer than the model's window is padded (or cut) exactly as in training.
        const input = extractor.input(y.length <= length ? y : y.subarray(start, start + length));
        if (input.rows !== rows || input.cols !== cols) throw new Error(`features ${input.rows}×${input.cols} do not match the model input ${rows}×${cols}`);
        batch.set(input.data, w * rows * cols);
      }
      // The model outputs logits; the trainer's predict applies the softmax.
      const probs = await predict(model, arraySource(batch, new Int32Array(starts.length), [rows, cols]), 64);
      const n = labels.length;
      const mean = new Float64Array(n);
      const windows = starts.map((start, w) => {
        const row = probs.subarray(w * n, (w + 1) * n);
        row.forEach((p, c) => (mean[c] += p / starts.length));
        return {
          start: start / recipe.sr,
          end: Math.min(start + length, Math.max(y.length, length)) / recipe.sr,
          scores: Object.fromEntries(labels.map((l, c) => [l, row[c]!])),
        };
      });
      predictions.push({ path, top: topLabels(mean, labels, Math.min(topK, n)), windows });
    } catch (err) {
      predictions.push({ path, top: [], windows: [], error: errorReason(err) });
    }
  }
  model.dispose();
  return { labels, predictions };
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
