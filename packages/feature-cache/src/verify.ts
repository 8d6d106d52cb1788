// `cache verify` and `cache repair`: every entry's checksum, shape record and key, and the
// environment as a whole.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeShape } from './entry-records.js';
import { environmentDamage } from './integrity.js';
import { CACHE_FILE, FeatureCache, type RawRecords } from './lmdb-store.js';
import { inspectTensor } from './tensor-codec.js';

/** A feature key is a sha256, hex (see `featureKey`). */
const KEY_FORMAT = /^[0-9a-f]{64}$/;

export interface BadEntry {
  key: string;
  problem: string;
}

export interface VerifyReport {
  dir: string;
  /** Why the lmdb environment as a whole is unusable; no entry was checked then. */
  damage?: string;
  entries: number;
  ok: number;
  /** Entries that fail their checksum, have a bad key or a damaged shape record. */
  bad: BadEntry[];
  /** Good entries without a shape record (older caches): indexed on first use, or by repair. */
  unindexed: string[];
  /** Shape or access records whose value is gone. */
  orphans: string[];
}

/** The problem with one key's records, 'unindexed', 'orphan', or undefined when all is well. */
export function checkRecords(records: RawRecords): string | 'unindexed' | 'orphan' | undefined {
  if (!records.value) return 'orphan';
  if (!KEY_FORMAT.test(records.key)) return 'key is not a sha256 hex feature key';
  const layout = inspectTensor(records.value);
  if (!layout) return 'tensor fails its checksum or header check';
  if (!records.shape) return 'unindexed';
  const shape = decodeShape(records.shape);
  if (!shape) return 'shape record fails its checksum';
  if (shape.join(',') !== layout.shape.join(',')) return `shape record [${shape.join(', ')}] differs from the tensor's [${layout.shape.join(', ')}]`;
  return undefined;
}

function entriesOf(cache: FeatureCache, dir: string): VerifyReport {
  const report: VerifyReport = { dir, entries: 0, ok: 0, bad: [], unindexed: [], orphans: [] };
  for (const records of cache.rawRecords()) {
    const problem = checkRecords(records);
    if (problem === 'orphan') {
      report.orphans.push(records.key);
      continue;
    }
    report.entries++;
    if (problem === undefined) report.ok++;
    else if (problem === 'unindexed') report.unindexed.push(records.key);
    else report.bad.push({ key: records.key, problem });
  }
  return report;
}

/** Check the environment, then every entry; changes nothing. */
export async function cacheVerify(dir: string): Promise<VerifyReport> {
  const empty: VerifyReport = { dir, entries: 0, ok: 0, bad: [], unindexed: [], orphans: [] };
  const path = join(dir, CACHE_FILE);
  if (!existsSync(path)) return empty;
  const damage = await environmentDamage(path);
  if (damage) return { ...empty, damage };
  const cache = FeatureCache.open(dir);
  try {
    return entriesOf(cache, dir);
  } finally {
    await cache.close();
  }
}

export function formatVerify(report: VerifyReport): string {
  if (report.damage) return `cache ${report.dir}: damaged (${report.damage}); cache repair moves it aside`;
  const lines = [
    `cache ${report.dir}: ${report.entries} entries, ${report.ok} ok, ${report.bad.length} bad, ` +
      `${report.unindexed.length} without a shape record, ${report.orphans.length} orphan records`,
  ];
  for (const { key, problem } of report.bad) lines.push(`bad ${key}: ${problem}`);
  return lines.join('\n');
}

/** Whether `cache verify` found anything to repair (bad entries or a damaged environment). */
export function verifyFailed(report: VerifyReport): boolean {
  return report.damage !== undefined || report.bad.length > 0;
}

/**
 * Drop what is bad: a damaged environment is moved aside (a fresh one takes its place); bad
 * entries and orphan records are removed (a run recomputes them); good entries missing their shape
 * record, or with a damaged one, are indexed again.
 */
export async function cacheRepair(dir: string): Promise<string> {
  if (!existsSync(join(dir, CACHE_FILE))) return `cache ${dir}: empty, nothing to repair`;
  const notices: string[] = [];
  const cache = FeatureCache.open(dir, { onDamaged: (message) => notices.push(message) });
  try {
    const report = entriesOf(cache, dir);
    const dropped = report.bad.filter((b) => !b.problem.startsWith('shape record')).map((b) => b.key);
    const reindex = [...report.unindexed, ...report.bad.filter((b) => b.problem.startsWith('shape record')).map((b) => b.key)];
    await cache.remove([...dropped, ...report.orphans]);
    for (const key of reindex) {
      const shape = cache.shapeOf(key);
      if (shape) await cache.indexShape(key, shape);
    }
    notices.push(
      `cache ${dir}: ${report.entries} entries checked; dropped ${dropped.length} bad entries and ${report.orphans.length} orphan records, ` +
        `indexed ${reindex.length}; ${report.entries - dropped.length} entries remain`,
    );
    return notices.join('\n');
  } finally {
    await cache.close();
  }
}
