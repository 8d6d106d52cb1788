import * as tf from '@tensorflow/tfjs';
import { decodeWaveform, prepareResampler, resample, type ResType, type Waveform } from '@earshot/audio';
import { createRecipeExtractor, type FeatureRecipe, type RecipeExtractor } from '@earshot/features-mel';
import { loadModelFromArtifacts, loadModelFromUrl, type LoadedModel, type SavedModelFiles } from '@earshot/model-cnn';
import { inferenceRecipe, inferenceResType, topLabels, windowStarts, type LabelScore } from './inference.js';

export interface WindowScores {
  /** Seconds into the clip. */
  start: number;
  end: number;
  scores: Record<string, number>;
}

/** One clip's result: the shape of an entry of `pipeline predict --json`'s `predictions`. */
export interface Prediction {
  path: string;
  top: LabelScore[];
  /** Per-window probabilities; the clip's scores are their mean. */
  windows: WindowScores[];
  error?: string;
}

export interface ClassifyOptions {
  /** How many labels `top` lists. Default 3 (at most the number of labels). */
  topK?: number;
  /** The name `path` carries. Default '<bytes>' (encoded audio) or '<samples>'. */
  name?: string;
  /** Windows per model call. Default 64. */
  batchSize?: number;
}

/**
 * A trained model with its feature recipe: waveform → the training features → probabilities.
 * Long clips are classified in half-overlapping windows of the model's length and averaged.
 * Uses no Node or DOM APIs; runs on whichever tfjs backend is active.
 */
export class Classifier {
  readonly labels: readonly string[];
  /** The recipe inference runs (see `inferenceRecipe`). */
  readonly recipe: FeatureRecipe;
  /** The resampler the model was trained with. */
  readonly resType: ResType;
  /** Samples (at `recipe.sr`) of one window: the model's input length. */
  readonly windowLength: number;
  private readonly extractor: RecipeExtractor;
  private readonly inputShape: readonly [number, number];

  private constructor(private readonly loaded: LoadedModel) {
    const { preprocess } = loaded;
    this.labels = preprocess.labels;
    this.recipe = inferenceRecipe(preprocess);
    this.resType = inferenceResType(preprocess);
    this.extractor = createRecipeExtractor(this.recipe);
    this.windowLength = this.extractor.clipLength!;
    this.inputShape = preprocess.inputShape;
  }

  /** Loads `model.json`, its weights and `preprocess.json` from a base URL (ending in '/'). */
  static async load(...args: Parameters<typeof loadModelFromUrl>): Promise<Classifier> {
    return Classifier.ready(await loadModelFromUrl(...args));
  }

  /** From in-memory artifacts (bundled, or read by the caller). */
  static async fromArtifacts(files: SavedModelFiles): Promise<Classifier> {
    return Classifier.ready(await loadModelFromArtifacts(files));
  }

  /** Wraps a model already loaded (e.g. by `loadModel` in Node). */
  static async fromModel(loaded: LoadedModel): Promise<Classifier> {
    return Classifier.ready(loaded);
  }

  private static async ready(loaded: LoadedModel): Promise<Classifier> {
    const classifier = new Classifier(loaded);
    await prepareResampler(classifier.resType);
    return classifier;
  }

  get sampleRate(): number {
    return this.recipe.sr;
  }

  /**
   * Encoded audio (WAV, FLAC, MP3, OGG, …) decoded, downmixed and resampled as in training: the
   * waveform `classifyWaveform` takes, with the clip's native rate and length. Errors name `name`.
   */
  async decode(bytes: ArrayBuffer | Uint8Array, name = '<bytes>'): Promise<Waveform> {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    return decodeWaveform(data, { sr: this.recipe.sr, resType: this.resType }, name);
  }

  /** Encoded audio decoded as in training (`decode`), then classified. */
  async classifyAudio(bytes: ArrayBuffer | Uint8Array, options: ClassifyOptions = {}): Promise<Prediction> {
    const name = options.name ?? '<bytes>';
    const { y } = await this.decode(bytes, name);
    return this.classifyWaveform(y, { ...options, name });
  }

  /** Mono samples at `sampleRate` (a microphone's, say), resampled to the recipe's rate, then classified. */
  async classifySamples(samples: Float32Array, sampleRate: number, options: ClassifyOptions = {}): Promise<Prediction> {
    const y = sampleRate === this.recipe.sr ? samples : resample(samples, sampleRate, this.recipe.sr, { resType: this.resType });
    return this.classifyWaveform(y, { name: '<samples>', ...options });
  }

  /** A mono waveform already at `recipe.sr`. */
  async classifyWaveform(y: Float32Array, options: ClassifyOptions = {}): Promise<Prediction> {
    const { topK = 3, name = '<samples>', batchSize = 64 } = options;
    const length = this.windowLength;
    const [rows, cols] = this.inputShape;
    const starts = windowStarts(y.length, length);
    const n = this.labels.length;
    const probs = new Float32Array(starts.length * n);
    for (let first = 0; first < starts.length; first += batchSize) {
      const batchStarts = starts.slice(first, first + batchSize);
      const batch = new Float32Array(batchStarts.length * rows * cols);
      batchStarts.forEach((start, w) => {
        // A clip no longer than the model's window is padded (or cut) exactly as in training.
        const input = this.extractor.input(y.length <= length ? y : y.subarray(start, start + length));
        if (input.rows !== rows || input.cols !== cols) throw new Error(`features ${input.rows}×${input.cols} do not match the model input ${rows}×${cols}`);
        batch.set(input.data, w * rows * cols);
      });
      probs.set(await this.probabilities(batch, batchStarts.length), first * n);
    }
    const mean = new Float64Array(n);
    const windows = starts.map((start, w) => {
      const row = probs.subarray(w * n, (w + 1) * n);
      row.forEach((p, c) => (mean[c] += p / starts.length));
      return {
        start: start / this.recipe.sr,
        end: Math.min(start + length, Math.max(y.length, length)) / this.recipe.sr,
        scores: Object.fromEntries(this.labels.map((l, c) => [l, row[c]!])),
      };
    });
    return { path: name, top: topLabels(mean, this.labels, Math.min(topK, n)), windows };
  }

  /** Softmax of the model's logits for `count` inputs, as the trainer's evaluation computes it. */
  private async probabilities(batch: Float32Array, count: number): Promise<Float32Array> {
    const [rows, cols] = this.inputShape;
    const p = tf.tidy(() => tf.softmax(this.loaded.model.apply(tf.tensor4d(batch, [count, rows, cols, 1]), { training: false }) as tf.Tensor2D));
    try {
      return (await p.data()) as Float32Array;
    } finally {
      p.dispose();
    }
  }

  dispose(): void {
    this.loaded.model.dispose();
  }
}
