import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { environmentDamage } from './integrity.js';
import { CACHE_FILE, FeatureCache } from './lmdb-store.js';
import { formatBytes, formatDuration } from './units.js';

/** Bytes the lmdb file and its lock file take: apparent size and blocks allocated on disk. */
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
  if (!existsSync(join(dir, CACHE_FILE))) return `cache ${dir}: empty (no ${CACHE_FILE} yet)`;
  // Reported, not mapped (a truncated file would kill this process) nor moved: the next run or
  // `cache repair` moves it aside.
  const damage = await environmentDamage(join(dir, CACHE_FILE));
  if (damage) return `cache ${dir}: damaged (${damage}); the next run moves it aside, or run cache repair`;
  const cache = FeatureCache.open(dir);
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
