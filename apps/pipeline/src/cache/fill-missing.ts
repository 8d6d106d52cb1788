import type { FeatureTensor } from './codec.js';
import type { FeatureCache } from './store.js';

export interface FillMissingOptions {
  /** Keys claimed and computed together (default 32). */
  chunkSize?: number;
  /** How long to wait between checks for entries another process is computing (default 250 ms). */
  pollMs?: number;
  /** Claim lifetime; a claim older than this is taken over (default 5 min). */
  claimTtlMs?: number;
}

export interface FillMissingResult {
  /** Entries this call computed and stored. */
  computed: number;
  /** Entries already in the cache when first checked. */
  cached: number;
  /** Entries another process computed while this one waited. */
  computedElsewhere: number;
}

/**
 * Make sure every key is in the cache, computing only what is missing and what no other process
 * is computing at the moment (claims), then waiting for the entries others are computing.
 * `compute` gets a chunk of keys and returns their tensors in the same order.
 */
export async function fillMissing(
  cache: FeatureCache,
  keys: readonly string[],
  compute: (keys: string[]) => Promise<FeatureTensor[]>,
  opts: FillMissingOptions = {},
): Promise<FillMissingResult> {
  const chunkSize = opts.chunkSize ?? 32;
  const pollMs = opts.pollMs ?? 250;
  let todo = [...new Set(keys)].filter((key) => !cache.has(key));
  const result: FillMissingResult = { computed: 0, cached: new Set(keys).size - todo.length, computedElsewhere: 0 };
  while (todo.length > 0) {
    let claimedAny = false;
    for (let start = 0; start < todo.length; start += chunkSize) {
      const mine = await cache.claim(todo.slice(start, start + chunkSize), opts.claimTtlMs);
      if (mine.length === 0) continue;
      claimedAny = true;
      let tensors: FeatureTensor[];
      try {
        tensors = await compute(mine);
      } catch (error) {
        await cache.release(mine);
        throw error;
      }
      if (tensors.length !== mine.length) {
        await cache.release(mine);
        throw new Error(`fillMissing: compute returned ${tensors.length} tensors for ${mine.length} keys`);
      }
      await Promise.all(mine.map((key, i) => cache.put(key, tensors[i]!)));
      result.computed += mine.length;
    }
    todo = todo.filter((key) => !cache.has(key));
    if (todo.length > 0 && !claimedAny) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  result.computedElsewhere = new Set(keys).size - result.cached - result.computed;
  return result;
}
