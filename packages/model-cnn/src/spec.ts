/** The seed recipe's network: two 3×3 conv + ReLU + max-pool 2 blocks (16, 32 channels), fc 128, fc nClasses. */
export interface SeedCnnSpec {
  name: 'seed-cnn';
}

/** The stronger configurable preset; every field has a documented default. */
export interface CnnSpec {
  name: 'cnn';
  /** Output channels of each conv block. Default [32, 64, 128, 256]. */
  channels?: readonly number[];
  /** Square kernel size of every conv. Default 3. */
  kernelSize?: number;
  /** Convolutions per block (each conv → [BN] → ReLU). Default 2. */
  convsPerBlock?: number;
  /** Batch normalisation after each conv. Default true. */
  batchNorm?: boolean;
  /** Pooling at the end of each block. Default 'max'. */
  pool?: 'max' | 'avg';
  /** Pool size (and stride) of each block. Default 2 (frequency and time). */
  poolSize?: number;
  /** Dropout rate at the end of each block. Default 0.1. */
  blockDropout?: number;
  /** Head pooling: global average ('gap', default) or average concatenated with max ('gap+gmp'). */
  head?: 'gap' | 'gap+gmp';
  /**
   * Axes the head pools over. 'frequency+time' (default) gives one value per channel; 'time' keeps
   * the frequency layout (freq × channels values), which spectrograms reward. Both take any length.
   */
  headAxes?: 'frequency+time' | 'time';
  /** Hidden units of the fc layer before the classifier; 0 for none. Default 0. */
  denseUnits?: number;
  /** Dropout before the classifier. Default 0.3. */
  dropout?: number;
}

export type ModelSpec = SeedCnnSpec | CnnSpec;

export interface BuildOptions {
  /** [nMels, nFrames]; nFrames may be null for the 'cnn' preset (variable length). */
  inputShape: [number, number | null];
  nClasses: number;
  /** Seeds the weight initialisation (and the dropout layers' mask streams). */
  seed: number;
}

export type ResolvedCnnSpec = Required<CnnSpec>;

export function resolveCnnSpec(spec: CnnSpec): ResolvedCnnSpec {
  const resolved: ResolvedCnnSpec = {
    name: 'cnn',
    channels: spec.channels ?? [32, 64, 128, 256],
    kernelSize: spec.kernelSize ?? 3,
    convsPerBlock: spec.convsPerBlock ?? 2,
    batchNorm: spec.batchNorm ?? true,
    pool: spec.pool ?? 'max',
    poolSize: spec.poolSize ?? 2,
    blockDropout: spec.blockDropout ?? 0.1,
    head: spec.head ?? 'gap',
    headAxes: spec.headAxes ?? 'frequency+time',
    denseUnits: spec.denseUnits ?? 0,
    dropout: spec.dropout ?? 0.3,
  };
  const positiveInt = (v: number, key: string) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`model spec: ${key} must be a positive integer, got ${v}`);
  };
  if (resolved.channels.length === 0) throw new RangeError('model spec: channels must list at least one block');
  resolved.channels.forEach((c, i) => positiveInt(c, `channels[${i}]`));
  positiveInt(resolved.kernelSize, 'kernelSize');
  positiveInt(resolved.convsPerBlock, 'convsPerBlock');
  positiveInt(resolved.poolSize, 'poolSize');
  if (resolved.denseUnits !== 0) positiveInt(resolved.denseUnits, 'denseUnits');
  for (const key of ['blockDropout', 'dropout'] as const) {
    const v = resolved[key];
    if (!(v >= 0 && v < 1)) throw new RangeError(`model spec: ${key} must be in [0, 1), got ${v}`);
  }
  return resolved;
}
