import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWavPcm16 } from '@earshot/demo-sounds';
import { createRecipeExtractor } from '@earshot/features-mel';
import { decodeAudio, resample } from '@earshot/audio';
import { Classifier, inferenceRecipe, inferenceResType, topLabels, windowStarts } from '../src/index.js';
import { chirp, inputShape, labels, modelFiles, recipe, tf, useCpuBackend } from './fixture.js';

let classifier: Classifier;

beforeAll(async () => {
  await useCpuBackend();
  classifier = await Classifier.fromArtifacts(await modelFiles());
});

/** The model's probabilities for one window, computed here without the Classifier. */
function reference(y: Float32Array): Float32Array {
  const input = createRecipeExtractor(recipe).input(y);
  const model = (classifier as unknown as { loaded: { model: tf.LayersModel } }).loaded.model;
  return tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(input.data, [1, ...inputShape, 1])) as tf.Tensor2D).dataSync() as Float32Array);
}

describe('windows', () => {
  it('cover a long clip half-overlapping, the last ending at its end', () => {
    expect(windowStarts(100, 100)).toEqual([0]);
    expect(windowStarts(60, 100)).toEqual([0]);
    expect(windowStarts(250, 100)).toEqual([0, 50, 100, 150]);
    expect(windowStarts(260, 100)).toEqual([0, 50, 100, 150, 160]);
  });

  it('rank labels by probability, most probable first', () => {
    expect(topLabels([0.2, 0.5, 0.3], labels, 2)).toEqual([{ label: 'mid', p: 0.5 }, { label: 'high', p: 0.3 }]);
  });
});

describe('Classifier', () => {
  it('a clip of one window: the model on the recipe features, softmaxed', async () => {
    const y = chirp(0.5, 16000);
    const got = await classifier.classifyWaveform(y, { topK: 3 });
    const want = reference(y);
    expect(got.windows).toHaveLength(1);
    expect(got.windows[0]).toMatchObject({ start: 0, end: 0.5 });
    labels.forEach((l, c) => expect(got.windows[0]!.scores[l]).toBe(want[c]));
    expect(got.top.map((t) => t.label)).toEqual(topLabels(want, labels, 3).map((t) => t.label));
  });

  it('a long clip: half-overlapping windows, averaged; a short one is padded as in training', async () => {
    const y = chirp(1.3, 16000);
    const got = await classifier.classifyWaveform(y, { topK: 2, name: 'long' });
    expect(got.path).toBe('long');
    expect(got.windows.map((w) => [w.start, w.end])).toEqual([[0, 0.5], [0.25, 0.75], [0.5, 1], [0.75, 1.25], [0.8, 1.3]]);
    const mean = labels.map((_, c) => got.windows.reduce((s, w) => s + w.scores[labels[c]!]! / got.windows.length, 0));
    expect(got.top).toHaveLength(2);
    expect(got.top[0]!.p).toBeCloseTo(Math.max(...mean), 12);
    const third = y.subarray(8000, 16000);
    labels.forEach((l, c) => expect(got.windows[2]!.scores[l]).toBe(reference(third)[c]));
    const short = y.subarray(0, 3000);
    const padded = await classifier.classifyWaveform(short);
    expect(padded.windows).toEqual([{ start: 0, end: 0.5, scores: Object.fromEntries(labels.map((l, c) => [l, reference(short)[c]])) }]);
  });

  it('encoded audio at another rate: decoded and resampled with soxr_hq, then the same as the waveform', async () => {
    const y44 = chirp(0.5, 44100);
    const wav = encodeWavPcm16(y44, 44100);
    const got = await classifier.classifyAudio(wav, { name: 'tone.wav' });
    // The WAV holds 16-bit samples: the waveform path gets exactly what the decoder reads.
    const pcm = (await decodeAudio(wav)).channels[0]!;
    expect(pcm.length).toBe(y44.length);
    const want = await classifier.classifyWaveform(resample(pcm, 44100, 16000, { resType: 'soxr_hq' }));
    expect(got.path).toBe('tone.wav');
    expect(got.windows).toEqual(want.windows);
    const samples = await classifier.classifySamples(pcm, 44100);
    expect(samples.windows).toEqual(want.windows);
  });

  it('names the input in a decoding error', async () => {
    await expect(classifier.classifyAudio(new TextEncoder().encode('not audio at all'), { name: 'notes.wav' })).rejects.toThrow(/notes\.wav: /);
  });

  it('infers with the training resampler and a fixed, non-random clip', () => {
    const p = { formatVersion: 2 as const, labels, inputShape, recipe: { ...recipe, clip: { duration: 0.5, pad: 'zeros' as const, crop: 'random' as const } } };
    expect(inferenceRecipe(p).clip).toEqual({ duration: 0.5, pad: 'zeros', crop: 'center' });
    expect(inferenceRecipe({ ...p, recipe: { ...recipe, clip: null } }).clip).toEqual({ duration: (31 * 256) / 16000, pad: 'zeros', crop: 'start' });
    expect(inferenceResType({ ...p, extra: { resType: 'speex' } })).toBe('speex');
    expect(inferenceResType(p)).toBe('soxr_hq');
  });
});
