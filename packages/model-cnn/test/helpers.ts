import type { Preprocess } from '../src/index.js';

export function samplePreprocess(nMels: number, nFrames: number, labels: string[]): Preprocess {
  return {
    formatVersion: 1,
    labels,
    inputShape: [nMels, nFrames],
    audio: { sr: 22050, mono: true, duration: 1, pad: 'zeros', crop: 'start' },
    features: {
      kind: 'melspectrogram',
      nFft: 2048,
      hopLength: 512,
      winLength: 2048,
      window: 'hann',
      center: true,
      padMode: 'constant',
      power: 2,
      nMels,
      fmin: 0,
      fmax: 11025,
      htk: false,
      norm: 'slaney',
      db: { ref: 'max', amin: 1e-10, topDb: 80 },
    },
    normalization: { kind: 'standardize', scope: 'global', mean: [-42.5], std: [17.25] },
  };
}
