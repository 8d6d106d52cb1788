/**
 * Resource limits of an experiment, checked before anything is allocated. Each is generous: far
 * above any sane recipe (ESC-50 at sr 48000, 30 s clips, n_fft 4096, n_mels 256, a deep CNN),
 * yet low enough that a typo (`n_fft: 1e9`) stops with a message instead of exhausting memory.
 * The README's "Limits" table lists them.
 */
export const LIMITS = {
  /** Hz: 8× CD rate, the highest common studio rate. */
  sr: 384_000,
  /** Seconds per clip. */
  duration: 600,
  /** Samples per clip (sr × duration): 2^25 float32 = 128 MB, e.g. 48 kHz × 11 min. */
  clipSamples: 2 ** 25,
  /** STFT size: 2^16 gives 0.7 Hz bins at 48 kHz. */
  nFft: 65_536,
  nMels: 1024,
  nMfcc: 1024,
  /** Values in one clip's feature matrix (rows × frames): 2^25 float32 = 128 MB. */
  featureValues: 2 ** 25,
  /** |power| exponent of the magnitude (librosa uses 1 or 2). */
  power: 4,
  kernelSize: 64,
  poolSize: 64,
  channels: 4096,
  blocks: 32,
  convsPerBlock: 16,
  denseUnits: 65_536,
  epochs: 100_000,
  batchSize: 65_536,
  lr: 10,
  mixup: 10,
  masks: 100,
  topK: 1000,
  maxMisclassified: 1_000_000,
  /** Feature and training worker threads (also at most max(8, 2 × cores), checked at load). */
  workers: 256,
  demoPerClass: 10_000,
  demoSeconds: 60,
  /** Folds of cross-validation. */
  folds: 1000,
  /** Bytes of an experiment file: any real one is a few kB. */
  fileBytes: 1024 * 1024,
  /** YAML aliases (`*ref`) per file: a handful is normal; a billion-laughs file needs thousands. */
  yamlAliases: 100,
  /** Fraction of the machine's memory (os.totalmem) features forced into RAM (train.in_memory: true) may take with training. */
  memoryFraction: 0.8,
} as const;

/** "exceeds the limit of N (why)": one wording for every limit. */
export const overLimit = (limit: number, what: string) => `must be at most ${limit.toLocaleString('en-US')} (${what})`;
