import { resamplerStatus, resolveResType, ResamplerUnavailableError, type ResType } from '@earshot/dataset-io';
import { ConfigError, type ExperimentConfig } from '../config/index.js';

/** The resampler a run uses and why (the line the run prints and metrics.json records). */
export interface RunResampler {
  resType: ResType;
  reason: string;
}

/**
 * `audio.res_type` resolved on this machine: 'auto' is soxr_hq where @earshot/native is built, else
 * speex. An explicit soxr_hq without the addon is a config error naming the key (exit 2).
 */
export function resolveRunResampler(config: Pick<ExperimentConfig, 'name' | 'audio'>): RunResampler {
  const option = config.audio.res_type;
  try {
    const resType = resolveResType(option);
    const reason = option === 'auto' ? `auto: ${resamplerStatus()}` : `audio.res_type: ${option}`;
    return { resType, reason };
  } catch (error) {
    if (!(error instanceof ResamplerUnavailableError)) throw error;
    throw new ConfigError(`'${config.name}'`, [`audio.res_type: ${error.message}`]);
  }
}
