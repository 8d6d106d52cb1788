import { resamplerStatus, resolveResType, type ResType } from '@earshot/dataset-io';
import type { ExperimentConfig } from '../config/index.js';

/** The resampler a run uses and why (the line the run prints and metrics.json records). */
export interface RunResampler {
  resType: ResType;
  reason: string;
}

/** `audio.res_type` resolved: 'auto' is soxr_hq, native where @earshot/native is built, else WebAssembly. */
export function resolveRunResampler(config: Pick<ExperimentConfig, 'audio'>): RunResampler {
  const option = config.audio.res_type;
  const resType = resolveResType(option);
  const reason = resType === 'soxr_hq' ? `${option === 'auto' ? 'auto' : 'audio.res_type'}: ${resamplerStatus()}` : `audio.res_type: ${option}`;
  return { resType, reason };
}
