import * as tf from '@tensorflow/tfjs';
import { parsePreprocess, type Preprocess } from './preprocess.js';
import './dropout.js'; // registers SeededDropout for deserialisation
import './time-pooling.js'; // registers TimePooling likewise

/** The files of a saved model, in memory: what `saveModel` writes and `loadModelFromArtifacts` reads. */
export interface SavedModelFiles {
  /** Parsed model.json (tfjs layers-model format, weightsManifest pointing at weights.bin). */
  modelJson: ModelJson;
  /** Contents of weights.bin. */
  weights: ArrayBuffer;
  preprocess: Preprocess;
}

export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export interface LoadedModel {
  model: tf.LayersModel;
  preprocess: Preprocess;
}

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const PREPROCESS_FILE = 'preprocess.json';

/** Serialises `model` to tfjs layers-model artifacts in memory (no file system, works in browsers). */
export async function serializeModel(model: tf.LayersModel, preprocess: Preprocess): Promise<SavedModelFiles> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.modelTopology || !captured.weightSpecs || !captured.weightData) {
    throw new Error('serializeModel: tfjs produced no topology or weights');
  }
  const weights = tf.io.CompositeArrayBuffer.join(captured.weightData);
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: captured.modelTopology as object,
      weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: captured.weightSpecs }],
    },
    weights,
    preprocess: parsePreprocess(preprocess, 'preprocess (to save)'),
  };
}

/** Rebuilds a model from in-memory artifacts (e.g. bundled, or fetched by the caller). */
export async function loadModelFromArtifacts(files: SavedModelFiles): Promise<LoadedModel> {
  const preprocess = parsePreprocess(files.preprocess);
  const weightSpecs = files.modelJson.weightsManifest.flatMap((group) => group.weights);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: files.modelJson.modelTopology, weightSpecs, weightData: files.weights }),
  );
  return { model, preprocess };
}

/**
 * Writes `dir/model.json`, `dir/weights.bin` and `dir/preprocess.json` (tfjs format, readable by
 * `tf.loadLayersModel` over http too). Node only; needs no tfjs-node. Each file is written to a
 * temporary name and renamed, model.json last, so none is ever half written; a full disk throws
 * `OutOfSpaceError` (from `@earshot/model-cnn/atomic-write`).
 */
export async function saveModel(model: tf.LayersModel, dir: string, preprocess: Preprocess): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { asSpaceError, removeStaleTemps, writeFileAtomic } = await import('./atomic-write.js');
  const files = await serializeModel(model, preprocess);
  await mkdir(dir, { recursive: true }).catch(async (err: unknown) => {
    throw await asSpaceError(err, dir, files.weights.byteLength);
  });
  await removeStaleTemps(dir);
  await writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(files.weights));
  await writeFileAtomic(join(dir, PREPROCESS_FILE), `${JSON.stringify(files.preprocess, null, 2)}\n`);
  await writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(files.modelJson));
}

/** Reads a directory written by `saveModel`; `preprocess.json` is validated. Node only. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const readJson = async (name: string): Promise<unknown> => {
    const path = join(dir, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as Error).message}`);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
    }
  };
  const modelJson = checkModelJson(await readJson(MODEL_FILE), join(dir, MODEL_FILE));
  const preprocess = parsePreprocess(await readJson(PREPROCESS_FILE), join(dir, PREPROCESS_FILE));
  const buffers = await Promise.all(
    modelJson.weightsManifest.flatMap((g) => g.paths).map(async (p) => {
      const bytes = await readFile(join(dir, p));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }),
  );
  return loadModelFromArtifacts({ modelJson, weights: tf.io.CompositeArrayBuffer.join(buffers), preprocess });
}

/**
 * Loads a saved model from a base URL (browser or Node ≥ 18): fetches `model.json`, its weight
 * files and `preprocess.json` relative to `baseUrl` (which should end with '/').
 */
export async function loadModelFromUrl(
  baseUrl: string | URL,
  { fetch: fetchFn = globalThis.fetch }: { fetch?: typeof globalThis.fetch } = {},
): Promise<LoadedModel> {
  const base = new URL(baseUrl.toString());
  const get = async (name: string): Promise<Response> => {
    const url = new URL(name, base);
    const response = await fetchFn(url);
    if (!response.ok) throw new Error(`fetching ${url.href} failed: HTTP ${response.status}`);
    return response;
  };
  const modelJson = checkModelJson(await (await get(MODEL_FILE)).json(), new URL(MODEL_FILE, base).href);
  const preprocess = parsePreprocess(await (await get(PREPROCESS_FILE)).json(), new URL(PREPROCESS_FILE, base).href);
  const buffers = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths).map(async (p) => (await get(p)).arrayBuffer()));
  return loadModelFromArtifacts({ modelJson, weights: tf.io.CompositeArrayBuffer.join(buffers), preprocess });
}

function checkModelJson(value: unknown, source: string): ModelJson {
  const v = value as Partial<ModelJson> | null;
  if (!v || typeof v !== 'object' || !v.modelTopology || !Array.isArray(v.weightsManifest)) {
    throw new Error(`${source} is not a tfjs layers model (needs modelTopology and weightsManifest)`);
  }
  return v as ModelJson;
}
