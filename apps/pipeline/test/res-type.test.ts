import { describe, expect, it } from 'vitest';
import { resolveResType } from '@earshot/dataset-io';
import type { Preprocess } from '@earshot/model-cnn';
import { inferenceResType } from '../src/commands/predict.js';
import { parseExperiment } from '../src/config/index.js';
import { resolveRunResampler } from '../src/features/res-type.js';

const here = resolveResType('auto');
const config = (res_type?: string) => parseExperiment({ name: 'r', dataset: { preset: 'demo' }, ...(res_type && { audio: { res_type } }) });

describe('audio.res_type', () => {
  it("defaults to auto, which is what this machine has, and says why", () => {
    const resampler = resolveRunResampler(config());
    expect(resampler.resType).toBe(here);
    expect(resampler.reason).toMatch(here === 'soxr_hq' ? /^auto: native libsoxr/ : /^auto: soxr_hq unavailable: /);
  });

  it('takes speex, and soxr_hq where the addon is built, as asked', () => {
    expect(resolveRunResampler(config('speex'))).toEqual({ resType: 'speex', reason: 'audio.res_type: speex' });
    if (here === 'soxr_hq') expect(resolveRunResampler(config('soxr_hq')).resType).toBe('soxr_hq');
  });

  it('rejects a name librosa has but earshot does not, naming the key', () => {
    expect(() => config('kaiser_best')).toThrow(/audio\.res_type/);
  });
});

describe('predict follows the training resampler where it can', () => {
  const preprocess = (resType?: string) => ({ extra: resType ? { resType } : {} }) as unknown as Preprocess;
  it('uses speex for a speex-trained model, and the best available otherwise', () => {
    expect(inferenceResType(preprocess('speex'))).toBe('speex');
    expect(inferenceResType(preprocess('soxr_hq'))).toBe(here);
    expect(inferenceResType(preprocess())).toBe(here);
  });
});
