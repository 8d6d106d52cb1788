import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { encodeNpyHeader, encodeNpyInt64, encodeNpyStrings } from '@earshot/features-mel';
import { Zip, ZipPassThrough } from 'fflate';
import { FeatureCache } from './lmdb-store.js';

export interface ExportEntry {
  key: string;
  label: string;
  path: string;
  split: string;
}

export interface ExportNpzOptions {
  /** Label order defining `y`; default: the entries' distinct labels, sorted. */
  labels?: string[];
}

const ZIP32_LIMIT = 0xffffffff;

/**
 * Write the cached features of `entries` as an uncompressed .npz for numpy:
 * `X` (N × …shape, float32), `y` (int64 label index), `labels`, `paths`, `split` (unicode arrays).
 * `X` is streamed entry by entry, so memory stays at one tensor. Written to a temp file and renamed.
 */
export async function exportNpz(
  dir: string,
  entries: ExportEntry[],
  out: string,
  opts: ExportNpzOptions = {},
): Promise<void> {
  if (entries.length === 0) throw new Error(`exportNpz: no entries to export to ${out}`);
  const labels = opts.labels ?? [...new Set(entries.map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const y = entries.map((entry) => {
    const index = labelIndex.get(entry.label);
    if (index === undefined) throw new Error(`exportNpz: label "${entry.label}" of ${entry.path} is not in the label list`);
    return index;
  });

  const cache = FeatureCache.open(dir);
  const temp = `${out}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  let open = true;
  try {
    const shape = cache.shapeOf(entries[0]!.key);
    if (!shape) throw new Error(`exportNpz: ${entries[0]!.path} (key ${entries[0]!.key}) is not in the cache ${dir}`);
    const sampleBytes = 4 * shape.reduce((a, b) => a * b, 1);
    if (entries.length * sampleBytes >= ZIP32_LIMIT) {
      throw new Error(`exportNpz: X would be ${entries.length * sampleBytes} bytes; .npz export is limited to 4 GB`);
    }

    let zipError: Error | undefined;
    const zip = new Zip((error, chunk) => {
      if (error) zipError = error;
      else writeSync(fd, chunk);
    });
    const addFile = (name: string, bytes: Uint8Array): void => {
      const file = new ZipPassThrough(name);
      zip.add(file);
      file.push(bytes, true);
    };

    const x = new ZipPassThrough('X.npy');
    zip.add(x);
    x.push(encodeNpyHeader('<f4', [entries.length, ...shape]));
    const sample = new Uint8Array(sampleBytes);
    for (const [i, entry] of entries.entries()) {
      const status = cache.readInto(entry.key, sample);
      if (status !== 'ok') {
        const problem = status === 'shape' ? `has shape [${cache.shapeOf(entry.key)?.join(', ')}], not [${shape.join(', ')}]` : `is ${status} in the cache`;
        throw new Error(`exportNpz: ${entry.path} (key ${entry.key}) ${problem}`);
      }
      x.push(sample.slice(), i === entries.length - 1);
    }
    addFile('y.npy', encodeNpyInt64(y));
    addFile('labels.npy', encodeNpyStrings(labels));
    addFile('paths.npy', encodeNpyStrings(entries.map((e) => e.path)));
    addFile('split.npy', encodeNpyStrings(entries.map((e) => e.split)));
    zip.end();
    if (zipError) throw zipError;
    closeSync(fd);
    open = false;
    renameSync(temp, out);
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  } finally {
    await cache.close();
  }
}
