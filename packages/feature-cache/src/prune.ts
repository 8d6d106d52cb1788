import type { FeatureStore } from './feature-store.js';
import { FeatureCache } from './lmdb-store.js';
import { formatBytes } from './units.js';

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
  checkRules(opts);
  const cache = FeatureCache.openIfExists(dir);
  if (!cache) return `cache ${dir}: empty, nothing to prune`;
  try {
    return await pruneStore(cache, opts);
  } finally {
    await cache.close();
  }
}

function checkRules(opts: PruneOptions): void {
  if (opts.olderThanMs === undefined && opts.maxBytes === undefined) {
    throw new Error('cache prune: give --older-than and/or --max-size');
  }
}

/** Prune any `FeatureStore` by its access records (the rules of `cachePrune`); returns the summary. */
export async function pruneStore(store: FeatureStore, opts: PruneOptions): Promise<string> {
  checkRules(opts);
  const records = [...store.accessRecords()].sort((a, b) => a[1].lastAccessMs - b[1].lastAccessMs);
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
  if (doomed.length > 0) await store.remove(doomed);
  return (
    `pruned ${doomed.length} entries (${formatBytes(freedBytes)}); ` +
    `${kept} entries (${formatBytes(keptBytes)}) remain in ${store.dir}`
  );
}
