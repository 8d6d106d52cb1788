import type { Preprocess } from '../src/index.js';

export function samplePreprocess(nMels: number, nFrames: number, labels: string[]): Preprocess {
  return {
    formatVersion: 2,
    labels,
    inputShape: [nMels, nFrames],
    recipe: {
      version: 1,
      sr: 22050,
      clip: { duration: 1, pad: 'zeros', crop: 'start' },
      stft: { nFft: 2048, hopLength: 512, winLength: 2048, window: 'hann', center: true, padMode: 'constant' },
      mel: { nMels, fmin: 0, fmax: 11025, htk: false, norm: 'slaney', power: 2 },
      db: { kind: 'power', ref: 'max', amin: 1e-10, topDb: 80 },
      mfcc: null,
      normalization: { kind: 'standardize', scope: 'global', mean: [-42.5], std: [17.25] },
    },
  };
}
