import { readFile, writeFile } from 'node:fs/promises';
import { encodeNpy } from '@earshot/features-mel';
import { defaultAmin, type FeatureOptions } from '../config/options.js';
import { createFeaturePipeline } from '../features/extract.js';
import { UsageError, errorReason } from '../errors.js';

export interface MelCommandOptions {
  out: string;
  sr: number | null;
  nFft: number;
  hopLength?: number;
  winLength?: number;
  nMels: number;
  fmin: number;
  fmax?: number;
  htk: boolean;
  power: number;
  db: 'power' | 'amplitude' | 'none';
  ref: number | 'max';
  amin?: number;
  topDb: number | null;
  mfcc?: number;
}

/**
 * `mel <audio-file> --out x.npy`: librosa.load(path, sr) → melspectrogram → power_to_db (or
 * amplitude_to_db, or none), or librosa.feature.mfcc with --mfcc N; float32 .npy, rows × frames.
 */
export async function melCommand(file: string, opts: MelCommandOptions): Promise<string> {
  try {
    return await writeMel(file, opts);
  } catch (err) {
    // Name the file: the decoder only saw bytes.
    if ((err as Error).name === 'ParameterError') throw new UsageError(`mel ${file}: ${errorReason(err)}`);
    throw Object.assign(new Error(`${file}: ${errorReason(err)}`), { name: 'AudioInputError' });
  }
}

async function writeMel(file: string, opts: MelCommandOptions): Promise<string> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read (${err.code ?? err.message})`);
  });
  // sr=None keeps the native rate: decode once at native rate to learn it.
  const pipelineFor = (sr: number) => {
    const winLength = opts.winLength ?? opts.nFft;
    const features: FeatureOptions = {
      sr,
      nFft: opts.nFft,
      hopLength: opts.hopLength ?? Math.floor(winLength / 4),
      winLength,
      nMels: opts.nMels,
      fmin: opts.fmin,
      fmax: opts.fmax ?? sr / 2,
      htk: opts.htk,
      power: opts.power,
      db: { kind: opts.db, ref: opts.ref, amin: opts.amin ?? defaultAmin[opts.db], topDb: opts.topDb },
      ...(opts.mfcc !== undefined && { nMfcc: opts.mfcc }),
    };
    return createFeaturePipeline({ sr, length: null, pad: 'zeros', crop: 'start' }, features);
  };
  let y: Float32Array;
  let sr: number;
  if (opts.sr === null) {
    const { loadAudio } = await import('@earshot/dataset-io');
    const loaded = await loadAudio(bytes, { sr: null });
    y = loaded.y;
    sr = loaded.sr;
  } else {
    sr = opts.sr;
    y = await pipelineFor(sr).waveform(bytes);
  }
  const { data, shape } = pipelineFor(sr).fromWaveform(y);
  await writeFile(opts.out, encodeNpy(data, shape));
  return `${opts.out}: ${shape[0]} × ${shape[1]} float32`;
}
