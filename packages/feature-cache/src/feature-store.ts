import type { FeatureTensor } from './tensor-codec.js';

/**
 * What the pipeline needs from a store of feature tensors, whatever holds them (lmdb today: see
 * `FeatureCache`; a shared object store is planned). Keys come from `featureKeyer` and mean the
 * same in every backend. A backend must guarantee:
 *
 * - **atomic put**: a reader (in any process) sees a key's whole tensor or nothing; a crash leaves
 *   only whole entries, and the puts it reported committed;
 * - **verification on read**: `get` and `readInto` check each value (checksum) and never return
 *   damaged data: a damaged entry reads as missing (`'corrupt'`), is counted and removed;
 * - **claims**: `claim` is atomic across every process sharing the store: of two claimers of a
 *   missing key, one gets it. A claim ends at `put` or `release`, and lapses after its ttl or
 *   when its owner is known to be dead, so a killed process never blocks a key for long.
 *
 * Reads are synchronous: batches are copied straight into the trainer's buffers. A remote backend
 * serves them from a local copy (and may use `releaseMappedMemory`/`ready` to refill it).
 */
export interface FeatureStore {
  /** Where the store lives (a directory for lmdb), named in error messages. */
  readonly dir: string;
  /** This instance's gets served (`hits`), gets that found nothing usable (`misses`), corrupt values found. */
  readonly counters: CacheCounters;

  /** The tensor under `key`, verified; a corrupt value reads as missing and is removed. Marks it used. */
  get(key: string): FeatureTensor | undefined;
  /** Copy the verified payload of `key` into `target`, which must be exactly its byte length. */
  readInto(key: string, target: Uint8Array): ReadStatus;
  /** Shape of a verified entry, without copying its data out. */
  shapeOf(key: string): number[] | undefined;
  /**
   * Shape of an entry from a small index, without reading the tensor (the warm check); its data is
   * verified later, when read. Marks it used.
   */
  knownShape(key: string): number[] | undefined;
  /** Whether an entry exists (not verified). Marks it used. */
  has(key: string): boolean;
  /** Number of entries. */
  count(): number;

  /** Store a tensor atomically; ends a claim on `key`. Resolves once committed. */
  put(key: string, tensor: FeatureTensor): Promise<void>;
  /** Remove entries; resolves once committed. */
  remove(keys: string[]): Promise<void>;

  /** Of `keys`, those that are neither stored nor claimed by a live owner, now claimed by this instance. */
  claim(keys: readonly string[], ttlMs?: number): Promise<string[]>;
  /** Give up this instance's claims on `keys` (e.g. their computation failed). */
  release(keys: readonly string[]): Promise<void>;

  /** Content hash (`hashBytes`) of a file, remembered per file identity so unchanged files are not read again. */
  fileHash(path: string): string;

  /** Note that `key` was used now (may be buffered until `flush`), for prune's age rule. */
  touch(key: string): void;
  /** Every entry's last use and size, for `cache info` and prune. */
  accessRecords(): Iterable<[string, AccessRecord]>;
  /** Keep a run's hit rate for `cache info`. */
  recordRun(stats: { hits: number; misses: number; experiment: string }): Promise<void>;
  lastRun(): RunRecord | undefined;

  /**
   * Bytes read since resident memory was last released. lmdb's memory map keeps every page read
   * in this process's RSS, so a streaming reader calls `releaseMappedMemory` every so many bytes.
   * A backend with nothing to release reports 0.
   */
  readonly mappedBytesRead: number;
  /** Release resident read memory; synchronous reads throw until it resolves, `put`/`claim` wait. */
  releaseMappedMemory(): Promise<void>;
  readonly isReopening: boolean;
  /** Resolves when a `releaseMappedMemory` in progress is done (at once otherwise). */
  readonly ready: Promise<void>;

  /** Write buffered access times and wait until every write is durable. */
  flush(): Promise<void>;
  /** Flush, then release the store; later calls throw. */
  close(): Promise<void>;
}

/** Outcome of `readInto`: copied, absent, damaged (and removed), or of another size than `target`. */
export type ReadStatus = 'ok' | 'missing' | 'corrupt' | 'shape';

export interface CacheCounters {
  hits: number;
  misses: number;
  corrupt: number;
}

/** Per-entry bookkeeping for prune: last access time and value size. */
export interface AccessRecord {
  lastAccessMs: number;
  bytes: number;
}

/** Summary of one run's use of the cache, kept for `cache info`. */
export interface RunRecord {
  experiment: string;
  hits: number;
  misses: number;
  /** Corrupt entries this process found (read as missing, removed, recomputed). */
  corrupt: number;
  /** ISO time the run was recorded. */
  time: string;
}
