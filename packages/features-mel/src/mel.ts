import { powerToDbInto } from './db.js';
import { ParameterError, requireFiniteNumber } from './errors.js';
import { applySparse, melFilterbank, toSparse, type SparseFilterbank } from './filterbank.js';
import { frameCount, type ResolvedStftOptions } from './frames.js';
import { FrameAnalyzer } from './stft.js';
import type { Matrix, MelSpectrogramOptions, PowerToDbOptions } from './types.js';
import { createWasmMelKernel } from './wasm-mel.js';

export interface MelExtractor {
  /** Resolved STFT parameters (defaults applied). */
  readonly stftOptions: Readonly<ResolvedStftOptions>;
  readonly nMels: number;
  readonly power: number;
  /** The dense filterbank (== librosa.filters.mel). */
  readonly filterbank: Matrix;
  /** Whether frames run in the WebAssembly SIMD kernel (bit-identical to the TypeScript path, faster). */
  readonly usesWasm: boolean;
  /** Frames librosa produces for a signal of this many samples. */
  frameCount(length: number): number;
  /** `librosa.feature.melspectrogram`: nMels × frames. `out` (nMels·frames floats) is reused if given. */
  compute(y: Float32Array, out?: Float32Array): Matrix;
  /** `power_to_db(melspectrogram(y), ref='max' by default)`, the seed recipe's D. */
  computeDb(y: Float32Array, db?: PowerToDbOptions, out?: Float32Array): Matrix;
}

export interface MelExtractorRuntime {
  /** Use the WebAssembly SIMD kernel where it can serve (default true); false forces the TypeScript path. */
  wasm?: boolean;
}

/**
 * Builds the FFT plan, window and sparse filterbank once; `compute` then allocates only its output.
 * This is the path to use over a dataset.
 */
export function createMelExtractor(opts: MelSpectrogramOptions, runtime: MelExtractorRuntime = {}): MelExtractor {
  const power = requireFiniteNumber('power', opts.power ?? 2);
  if (power <= 0) throw new ParameterError(`power=${power} must be positive`);
  const analyzer = new FrameAnalyzer(opts);
  const filterbank = melFilterbank({ ...opts, nFft: analyzer.options.nFft });
  const sparse: SparseFilterbank = toSparse(filterbank);
  const nMels = sparse.nMels;
  const spectrum = new Float64Array(analyzer.bins);
  const melColumn = new Float64Array(nMels);
  const plan = runtime.wasm === false ? undefined : analyzer.packedPlan;
  const kernel = plan && createWasmMelKernel(analyzer.options, plan.fft, plan.window, sparse, power);

  const compute = (y: Float32Array, out?: Float32Array): Matrix => {
    const cols = analyzer.frameCount(y);
    const size = nMels * cols;
    if (out !== undefined && out.length < size) {
      throw new ParameterError(`out has ${out.length} floats, needs nMels*frames=${size}`);
    }
    const data = out === undefined ? new Float32Array(size) : out.subarray(0, size);
    if (kernel) {
      kernel.compute(y, cols, data);
      return { data, rows: nMels, cols };
    }
    for (let t = 0; t < cols; t++) {
      analyzer.analyze(y, t);
      analyzer.magnitudePower(spectrum, power);
      applySparse(sparse, spectrum, melColumn);
      for (let m = 0; m < nMels; m++) data[m * cols + t] = melColumn[m]!;
    }
    return { data, rows: nMels, cols };
  };

  return {
    stftOptions: analyzer.options,
    nMels,
    power,
    filterbank,
    usesWasm: kernel !== undefined,
    frameCount: (length) => frameCount(length, analyzer.options),
    compute,
    computeDb(y, db = {}, out) {
      const S = compute(y, out);
      powerToDbInto(S.data, S.data, { ref: 'max', ...db });
      return S;
    },
  };
}

// One-shot calls reuse a few recent extractors: building the filterbank and FFT plan costs more than a
// short clip's whole analysis. Extractors are synchronous, so sharing one is safe.
const recent = new Map<string, MelExtractor>();
const RECENT_LIMIT = 8;

/** A cached extractor for these options (built on first use, at most 8 kept). */
export function sharedMelExtractor(opts: MelSpectrogramOptions): MelExtractor {
  const key = JSON.stringify([
    opts.sr, opts.nFft, opts.hopLength, opts.winLength, opts.window, opts.center, opts.padMode,
    opts.nMels, opts.fmin, opts.fmax, opts.htk, opts.norm === Infinity ? 'inf' : opts.norm, opts.power,
  ]);
  let extractor = recent.get(key);
  if (extractor === undefined) {
    extractor = createMelExtractor(opts);
    if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  } else {
    recent.delete(key);
  }
  recent.set(key, extractor);
  return extractor;
}

/** `librosa.feature.melspectrogram(y=y, sr=sr, ...)` (power 2 by default). */
export function melSpectrogram(y: Float32Array, opts: MelSpectrogramOptions): Matrix {
  return sharedMelExtractor(opts).compute(y);
}

/** One shot of the seed recipe: `power_to_db(melspectrogram(y, ...), ref=np.max)` (override via `db`). */
export function melSpectrogramDb(
  y: Float32Array,
  opts: MelSpectrogramOptions & { db?: PowerToDbOptions },
): Matrix {
  return sharedMelExtractor(opts).computeDb(y, opts.db);
}
