import { readFile, writeFile } from 'node:fs/promises';
import { loadAudio, type ResTypeOption } from '@earshot/dataset-io';
import { createRecipeExtractor, encodeNpy, type FeatureRecipe } from '@earshot/features-mel';
import { audioSection, featuresSection, formatIssues, recipeFromConfig } from '../config/index.js';
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
  resType: ResTypeOption;
}

/**
 * `mel <audio-file> --out x.npy`: librosa.load(path, sr) → melspectrogram → power_to_db (or
 * amplitude_to_db, or none), or librosa.feature.mfcc with --mfcc N; float32 .npy, rows × frames.
 */
export async function melCommand(file: string, opts: MelCommandOptions): Promise<string> {
  try {
    return await writeMel(file, opts);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // Name the file: the decoder only saw bytes.
    if ((err as Error).name === 'ParameterError') throw new UsageError(`mel ${file}: ${errorReason(err)}`);
    throw Object.assign(new Error(`${file}: ${errorReason(err)}`), { name: 'AudioInputError' });
  }
}

/** librosa.feature.mfcc's dB step: power_to_db(S) with its defaults (ref=1.0, amin=1e-10, top_db=80). */
const MFCC_DB = { kind: 'power', ref: 1, amin: 1e-10, top_db: 80 } as const;

/** The flags as the experiment's `features` section (snake_case), validated by its schema, then its recipe. */
function recipeOf(opts: MelCommandOptions, sr: number): FeatureRecipe {
  const winLength = opts.winLength ?? opts.nFft;
  const features = featuresSection.safeParse({
    n_fft: opts.nFft,
    hop_length: opts.hopLength ?? Math.floor(winLength / 4),
    win_length: winLength,
    n_mels: opts.nMels,
    fmin: opts.fmin,
    fmax: opts.fmax ?? null,
    htk: opts.htk,
    power: opts.power,
    db: opts.mfcc === undefined ? { kind: opts.db, ref: opts.ref, ...(opts.amin !== undefined && { amin: opts.amin }), top_db: opts.topDb } : MFCC_DB,
    n_mfcc: opts.mfcc ?? null,
  });
  if (!features.success) throw new UsageError(`mel: ${formatIssues(features.error.issues).join('; ')}`);
  return recipeFromConfig({ audio: audioSection.parse({ sr, duration: null }), features: features.data });
}

async function writeMel(file: string, opts: MelCommandOptions): Promise<string> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read (${err.code ?? err.message})`);
  });
  // sr=None keeps the native rate.
  const { y, sr } = await loadAudio(bytes, { sr: opts.sr, resType: opts.resType });
  const { data, rows, cols } = createRecipeExtractor(recipeOf(opts, sr)).features(y);
  await writeFile(opts.out, encodeNpy(data, [rows, cols]));
  return `${opts.out}: ${rows} × ${cols} float32`;
}
