import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_FILE, FeatureCache } from './store.js';
import { formatBytes, formatDuration } from './units.js';

function openExisting(dir: string): FeatureCache | undefined {
  return existsSync(join(dir, CACHE_FILE)) ? FeatureCache.open(dir) : undefined;
}

function fileBytes(dir: string): { apparent: number; allocated: number } {
  let apparent = 0;
  let allocated = 0;
  for (const name of [CACHE_FILE, `${CACHE_FILE}-lock`]) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    apparent += stat.size;
    allocated += stat.blocks * 512;
  }
  return { apparent, allocated };
}

/** `cache info`: entries, size on disk, and the hit rate of the last recorded run. */
export async function cacheInfo(dir: string): Promise<string> {
  const cache = openExisting(dir);
  if (!cache) return `cache ${dir}: empty (no ${CACHE_FILE} yet)`;
  try {
    let entries = 0;
    let tensorBytes = 0;
    let oldest = Infinity;
    for (const [, record] of cache.accessRecords()) {
      entries++;
      tensorBytes += record.bytes;
      oldest = Math.min(oldest, record.lastAccessMs);
    }
    const { allocated } = fileBytes(dir);
    const lines = [
      `cache:        ${dir}`,
      `entries:      ${entries}`,
      `size on disk: ${formatBytes(allocated)} (tensors ${formatBytes(tensorBytes)}; lmdb reuses freed pages, the file does not shrink)`,
    ];
    if (entries > 0) lines.push(`oldest use:   ${formatDuration(Date.now() - oldest)} ago`);
    const run = cache.lastRun();
    if (run) {
      const total = run.hits + run.misses;
      const rate = total === 0 ? 'n/a' : `${((100 * run.hits) / total).toFixed(1)}%`;
      lines.push(
        `last run:     ${run.experiment} at ${run.time}: ${run.hits} hits, ${run.misses} misses, hit rate ${rate}` +
          (run.corrupt > 0 ? `, ${run.corrupt} corrupt entries recomputed` : ''),
      );
    } else {
      lines.push('last run:     none recorded');
    }
    return lines.join('\n');
  } finally {
    await cache.close();
  }
}

export interface PruneOptions {
  /** Remove entries not used for this long. */
  olderThanMs?: number;
  /** Then remove least recently used entries until the tensors total at most this many bytes. */
  maxBytes?: number;
}

/**
 * `cache prune`: drop entries unused for `olderThanMs`, then least recently used ones until the
 * tensors fit in `maxBytes`. Safe alongside other processes (lmdb transactions), but an entry
 * pruned under a running training is gone for it: prune between runs.
 */
export async function cachePrune(dir: string, opts: PruneOptions): Promise<string> {
  if (opts.olderThanMs === undefined && opts.maxBytes === undefined) {
    throw new Error('cache prune: give --older-than and/or --max-size');
  }
  const cache = openExisting(dir);
  if (!cache) return `cache ${dir}: empty, nothing to prune`;
  try {
    const records = [...cache.accessRecords()].sort((a, b) => a[1].lastAccessMs - b[1].lastAccessMs);
    const doomed: string[] = [];
    let kept = records.length;
    let keptBytes = records.reduce((sum, [, r]) => sum + r.bytes, 0);
    let freedBytes = 0;
    const drop = (key: string, bytes: number): void => {
      doomed.push(key);
      kept--;
      keptBytes -= bytes;
      freedBytes += bytes;
    };
    let next = 0;
    if (opts.olderThanMs !== undefined) {
      const cutoff = Date.now() - opts.olderThanMs;
      while (next < records.length && records[next]![1].lastAccessMs < cutoff) {
        drop(records[next]![0], records[next]![1].bytes);
        next++;
      }
    }
    if (opts.maxBytes !== undefined) {
      while (next < records.length && keptBytes > opts.maxBytes) {
        drop(records[next]![0], records[next]![1].bytes);
        next++;
      }
    }
    if (doomed.length > 0) await cache.remove(doomed);
    return (
      `pruned ${doomed.length} entries (${formatBytes(freedBytes)}); ` +
      `${kept} entries (${formatBytes(keptBytes)}) remain in ${dir}`
    );
  } finally {
    await cache.close();
  }
}
