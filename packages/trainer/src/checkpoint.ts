import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { removeStaleTemps, writeDirAtomic, writeFileAtomic, type FileData } from '@earshot/model-cnn/atomic-write';
import type { Xoshiro128State } from '@earshot/random';
import type { ScheduleState } from './schedule.js';
import type { EpochLog } from './train-types.js';

/** Everything needed to continue a run exactly where it stopped. */
export interface Checkpoint {
  fingerprint: string | null;
  /** Epochs completed. */
  epoch: number;
  /** The epoch total `fitEpochs` chose, which a resume keeps; null when the run did not fit one. */
  fittedEpochs: number | null;
  rng: Xoshiro128State;
  schedule: ScheduleState;
  adamStep: number;
  history: EpochLog[];
  earlyStopping: { best: number | null; bestEpoch: number | null; badEpochs: number };
  /** All model weights (trainable and not), in model.weights order. */
  weights: Float32Array[];
  adamM: Float32Array[];
  adamV: Float32Array[];
  /** Weights of the best epoch so far, when early stopping keeps them. */
  bestWeights: Float32Array[] | null;
}

const LATEST = 'latest.json';

const metaSchema = z.object({
  formatVersion: z.literal(1),
  dir: z.string(),
  fingerprint: z.string().nullable(),
  epoch: z.number().int().nonnegative(),
  fittedEpochs: z.number().int().positive().nullable().optional(), // absent in checkpoints written before fitEpochs
  rng: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  schedule: z.object({ lr: z.number(), best: z.number().nullable(), badEpochs: z.number() }),
  adamStep: z.number().int().nonnegative(),
  history: z.array(z.record(z.string(), z.unknown())),
  earlyStopping: z.object({ best: z.number().nullable(), bestEpoch: z.number().nullable(), badEpochs: z.number() }),
  tensors: z.record(z.string(), z.array(z.number().int().nonnegative())),
});

const EPOCH_DIR = /^epoch-\d{4,}$/;

/**
 * Writes a checkpoint into `dir/epoch-NNNN/` (built as `epoch-NNNN.tmp-<pid>/` and renamed, so it
 * is complete or absent), then atomically points `dir/latest.json` at it and removes the older
 * ones: a run killed or out of disk mid-write resumes from the previous complete checkpoint.
 * A full disk throws `OutOfSpaceError` naming `dir`.
 */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const name = `epoch-${String(checkpoint.epoch).padStart(4, '0')}`;
  await removeStaleTemps(dir);
  const files: Record<string, FileData> = {};
  const groups: Record<string, Float32Array[]> = { weights: checkpoint.weights, adamM: checkpoint.adamM, adamV: checkpoint.adamV };
  if (checkpoint.bestWeights) groups['bestWeights'] = checkpoint.bestWeights;
  const tensors: Record<string, number[]> = {};
  for (const [key, arrays] of Object.entries(groups)) {
    tensors[key] = arrays.map((a) => a.length);
    const joined = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
    let offset = 0;
    for (const a of arrays) {
      joined.set(a, offset);
      offset += a.length;
    }
    files[`${key}.bin`] = new Uint8Array(joined.buffer);
  }
  await writeDirAtomic(join(dir, name), files);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  const meta: z.infer<typeof metaSchema> = {
    formatVersion: 1,
    dir: name,
    fingerprint: checkpoint.fingerprint,
    epoch: checkpoint.epoch,
    fittedEpochs: checkpoint.fittedEpochs,
    rng: checkpoint.rng,
    schedule: { ...checkpoint.schedule, best: finite(checkpoint.schedule.best) },
    adamStep: checkpoint.adamStep,
    history: checkpoint.history as unknown as Record<string, unknown>[],
    earlyStopping: checkpoint.earlyStopping,
    tensors,
  };
  await writeFileAtomic(join(dir, LATEST), JSON.stringify(meta));
  // Every other epoch directory is now unreferenced (older, or left by a kill before latest.json moved).
  for (const entry of await readdir(dir)) {
    if (entry !== name && EPOCH_DIR.test(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

async function readMeta(dir: string): Promise<z.infer<typeof metaSchema>> {
  const path = join(dir, LATEST);
  const parsed = metaSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path} is not a valid earshot checkpoint: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Reads the latest checkpoint in `dir`, or returns null when there is none. */
export async function readCheckpoint(dir: string): Promise<Checkpoint | null> {
  let meta: z.infer<typeof metaSchema>;
  try {
    await readFile(join(dir, LATEST));
  } catch {
    return null;
  }
  await removeStaleTemps(dir); // a killed write's epoch-NNNN.tmp-<pid>: never read, only cleaned
  meta = await readMeta(dir);
  const load = async (key: string): Promise<Float32Array[] | null> => {
    const lengths = meta.tensors[key];
    if (!lengths) return null;
    const path = join(dir, meta.dir, `${key}.bin`);
    const bytes = await readFile(path);
    const total = lengths.reduce((s, n) => s + n, 0);
    if (bytes.byteLength !== total * 4) throw new Error(`${path} has ${bytes.byteLength} bytes, expected ${total * 4}`);
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    return lengths.map((n) => all.slice(offset, (offset += n)));
  };
  const [weights, adamM, adamV, bestWeights] = await Promise.all(['weights', 'adamM', 'adamV', 'bestWeights'].map(load));
  if (!weights || !adamM || !adamV) throw new Error(`${join(dir, LATEST)} lists no weights or optimizer state`);
  return {
    fingerprint: meta.fingerprint,
    epoch: meta.epoch,
    fittedEpochs: meta.fittedEpochs ?? null,
    rng: meta.rng,
    schedule: { ...meta.schedule, best: meta.schedule.best ?? Infinity },
    adamStep: meta.adamStep,
    history: meta.history as unknown as EpochLog[],
    earlyStopping: meta.earlyStopping,
    weights,
    adamM,
    adamV,
    bestWeights,
  };
}
