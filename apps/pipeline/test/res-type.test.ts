import { describe, expect, it } from 'vitest';
import { loadNative } from '@earshot/native';
import type { Preprocess } from '@earshot/model-cnn';
import { inferenceResType } from '@earshot/classifier';
import { parseExperiment } from '../src/config/index.js';
import { resolveRunResampler } from '../src/features/res-type.js';

const nativeBuilt = Boolean(loadNative()?.soxr);
const config = (res_type?: string) => parseExperiment({ name: 'r', dataset: { preset: 'demo' }, ...(res_type && { audio: { res_type } }) });

describe('audio.res_type', () => {
  it('defaults to auto, which is soxr_hq (native where the addon is built, else WebAssembly), and says which', () => {
    const resampler = resolveRunResampler(config());
    expect(resampler.resType).toBe('soxr_hq');
    expect(resampler.reason).toBe(nativeBuilt ? 'auto: native libsoxr-0.1.3' : 'auto: libsoxr-0.1.3 (WebAssembly)');
  });

  it('takes speex and soxr_hq as asked', () => {
    expect(resolveRunResampler(config('speex'))).toEqual({ resType: 'speex', reason: 'audio.res_type: speex' });
    expect(resolveRunResampler(config('soxr_hq')).resType).toBe('soxr_hq');
  });

  it('rejects a name librosa has but earshot does not, naming the key', () => {
    expect(() => config('kaiser_best')).toThrow(/audio\.res_type/);
  });
});

describe('predict follows the training resampler', () => {
  const preprocess = (resType?: string) => ({ extra: resType ? { resType } : {} }) as unknown as Preprocess;
  it('uses speex for a speex-trained model, and soxr_hq otherwise', () => {
    expect(inferenceResType(preprocess('speex'))).toBe('speex');
    expect(inferenceResType(preprocess('soxr_hq'))).toBe('soxr_hq');
    expect(inferenceResType(preprocess())).toBe('soxr_hq');
  });
});
