import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@earshot/tf-runtime';
import type { FeatureRecipe } from '@earshot/features-mel';
import { buildModel, serializeModel, type Preprocess, type SavedModelFiles } from '@earshot/model-cnn';

/** 16 kHz, 0.5 s clips, 32 log-mel bands standardised: a small recipe a model is quick to run on. */
export const recipe: FeatureRecipe = {
  version: 1,
  sr: 16000,
  clip: { duration: 0.5, pad: 'zeros', crop: 'start' },
  stft: { nFft: 512, hopLength: 256, winLength: 512, window: 'hann', center: true, padMode: 'constant' },
  mel: { nMels: 32, fmin: 0, fmax: 8000, htk: false, norm: 'slaney', power: 2 },
  db: { kind: 'power', ref: 'max', amin: 1e-10, topDb: 80 },
  mfcc: null,
  normalization: { kind: 'standardize', scope: 'global', mean: [-40], std: [20] },
};

export const labels = ['low', 'mid', 'high'];
/** 0.5 s at 16 kHz, hop 256, centred: 32 frames. */
export const inputShape: [number, number] = [32, 32];

/** A seeded, untrained 2-block CNN with its preprocess: the files a run would save. */
export async function modelFiles(extra: Record<string, unknown> = {}): Promise<SavedModelFiles> {
  await useCpuBackend();
  const model = buildModel({ name: 'cnn', channels: [4, 8], dropout: 0, blockDropout: 0 }, { inputShape, nClasses: labels.length, seed: 7 });
  const preprocess: Preprocess = { formatVersion: 2, labels, inputShape, recipe, extra };
  const files = await serializeModel(model, preprocess);
  model.dispose();
  return files;
}

/** A chirp with a little noise: `seconds` long at `sr`, seeded. */
export function chirp(seconds: number, sr: number, f0 = 200, f1 = 3000): Float32Array {
  const n = Math.round(seconds * sr);
  const y = new Float32Array(n);
  let state = 12345;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const t = i / sr;
    const f = f0 + ((f1 - f0) * t) / seconds;
    y[i] = 0.5 * Math.sin(2 * Math.PI * f * t) + 0.01 * (state / 2 ** 32 - 0.5);
  }
  return y;
}

export { tf };

/** The exact float32 cpu backend, as the page uses (through earshot's init, which keeps tfjs quiet). */
export async function useCpuBackend(): Promise<void> {
  await initBackend({ backend: 'cpu' });
}
