import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { claimHeldAgainst, DEFAULT_CLAIM_TTL_MS, newClaim, type Claim } from './claims.js';
import { decodeAccess, decodeShape, encodeAccess, encodeShape } from './entry-records.js';
import type { AccessRecord, CacheCounters, FeatureStore, ReadStatus, RunRecord } from './feature-store.js';
import { hashBytes } from './keys.js';
import { decodeTensor, encodeTensor, inspectTensor, type FeatureTensor } from './tensor-codec.js';

/** The lmdb file inside a cache dir (lmdb adds `features.mdb-lock` beside it). */
export const CACHE_FILE = 'features.mdb';

/** Access-time updates are buffered and written in one transaction per this many keys. */
const TOUCH_BATCH = 1024;

/**
 * Content-addressed store of float32 feature tensors in lmdb, shared by every experiment and
 * process that opens the same dir. lmdb gives multi-process safety (one writer at a time, readers
 * never blocked) and crash safety (a commit is atomic: a kill -9 loses only uncommitted puts).
 * Sub-databases of the one file: values, shapes, access, claims, file-hashes, meta.
 */
export class FeatureCache implements FeatureStore {
  /** Gets served (`hits`), gets that found nothing usable (`misses`), and corrupt values found. */
  readonly counters: CacheCounters = { hits: 0, misses: 0, corrupt: 0 };
  private readonly pendingTouches = new Map<string, number>();
  /** Removals of corrupt entries not yet committed (`flush` waits for them). */
  private readonly pendingRemovals = new Set<Promise<unknown>>();
  private closed = false;

  private env!: RootDatabase;
  private values!: Database<Buffer, string>;
  private access!: Database<Buffer, string>;
  private meta!: Database<RunRecord, string>;
  private claims!: Database<Claim, string>;
  private fileHashes!: Database<string, string>;
  /** key → shape, a few bytes per entry kept beside the values so the warm check reads no tensor pages. */
  private shapes!: Database<Buffer, string>;
  /** Identifies this instance's claims (one process may open several instances). */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private bytesReadSinceMap = 0;
  private reopening: Promise<void> | undefined;

  private constructor(readonly dir: string) {
    this.attach();
  }

  static open(dir: string): FeatureCache {
    mkdirSync(dir, { recursive: true });
    return new FeatureCache(dir);
  }

  /** The cache in `dir`, or undefined when there is none yet (without creating one). */
  static openIfExists(dir: string): FeatureCache | undefined {
    return existsSync(join(dir, CACHE_FILE)) ? FeatureCache.open(dir) : undefined;
  }

  private attach(): void {
    const path = join(this.dir, CACHE_FILE);
    try {
      this.env = open({ path, maxDbs: 8 });
    } catch (error) {
      throw new Error(`feature cache: cannot open ${path}: ${(error as Error).message}`);
    }
    this.values = this.env.openDB<Buffer, string>({ name: 'values', encoding: 'binary' });
    this.access = this.env.openDB<Buffer, string>({ name: 'access', encoding: 'binary' });
    this.meta = this.env.openDB<RunRecord, string>({ name: 'meta', encoding: 'json' });
    this.claims = this.env.openDB<Claim, string>({ name: 'claims', encoding: 'json' });
    this.fileHashes = this.env.openDB<string, string>({ name: 'file-hashes', encoding: 'string' });
    this.shapes = this.env.openDB<Buffer, string>({ name: 'shapes', encoding: 'binary' });
    this.bytesReadSinceMap = 0;
  }

  /**
   * Bytes of values read since the memory map was last (re)opened. Every page read through lmdb's
   * map stays resident in this process (counted in its RSS as file-backed memory) until the map
   * is closed. Random reads map many times the bytes they read (on Linux 6.x a fault maps the
   * whole page-cache folio around it: ~16 MB of random reads mapped ~350 MB of a 500 MB cache),
   * so a streaming reader calls `releaseMappedMemory` every ~16 MB read.
   */
  get mappedBytesRead(): number {
    return this.bytesReadSinceMap;
  }

  /**
   * Close and reopen the lmdb environment so its resident pages leave this process's RSS
   * (they stay in the OS page cache). Pending writes are committed first. Until it resolves,
   * synchronous reads on this instance throw; `put` waits. lmdb shares one environment between
   * all instances of a path in a process, so the pages are released only if this is the only one.
   */
  releaseMappedMemory(): Promise<void> {
    this.assertOpen();
    this.reopening ??= (async () => {
      try {
        await this.writeTouches();
        await this.env.close();
      } finally {
        this.attach();
        this.reopening = undefined;
      }
    })();
    return this.reopening;
  }

  get isReopening(): boolean {
    return this.reopening !== undefined;
  }

  /** Resolves when a `releaseMappedMemory` in progress is done (at once otherwise). */
  get ready(): Promise<void> {
    return this.reopening ?? Promise.resolve();
  }

  /** The tensor under `key`, checksum-verified; a corrupt value reads as missing and is removed. */
  get(key: string): FeatureTensor | undefined {
    this.assertReadable();
    const bytes = this.values.getBinaryFast(key);
    if (!bytes) {
      this.counters.misses++;
      return undefined;
    }
    const tensor = decodeTensor(bytes);
    if (!tensor) {
      this.discardCorrupt(key);
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits++;
    this.bytesReadSinceMap += bytes.length;
    this.touch(key);
    return tensor;
  }

  /**
   * The shape of a stored entry, from its small index record, without touching the tensor's pages
   * (a fresh process pays a page fault per tensor it touches: ~50 ms for 3000 clips here, 10× the
   * rest of the warm check). The tensor's checksum is verified when it is read (`get`, `readInto`),
   * which every run does before using it. Entries stored without an index record (older caches)
   * are verified here instead, and indexed. Marks the entry used.
   */
  knownShape(key: string): number[] | undefined {
    this.assertReadable();
    let shape = decodeShape(this.shapes.getBinaryFast(key));
    if (!shape) {
      const bytes = this.values.getBinaryFast(key);
      if (!bytes) return undefined;
      shape = inspectTensor(bytes)?.shape;
      if (!shape) {
        this.discardCorrupt(key);
        return undefined;
      }
      void this.shapes.put(key, encodeShape(shape));
    }
    this.touch(key);
    return shape;
  }

  /** Whether an entry exists (not verified: `get` or a batch read verifies). Marks it used. */
  has(key: string): boolean {
    this.assertReadable();
    const exists = this.values.doesExist(key);
    if (exists) this.touch(key);
    return exists;
  }

  /**
   * Store a tensor. Resolves once the write is committed. Puts issued without awaiting each other
   * share one lmdb transaction, which is much faster than awaiting them one by one.
   */
  put(key: string, tensor: FeatureTensor): Promise<void> {
    this.assertOpen();
    if (this.reopening) return this.reopening.then(() => this.put(key, tensor));
    const bytes = encodeTensor(tensor);
    const record = encodeAccess({ lastAccessMs: Date.now(), bytes: bytes.length });
    this.pendingTouches.delete(key);
    return this.env.transaction(() => {
      this.values.put(key, bytes);
      this.shapes.put(key, encodeShape(tensor.shape));
      this.access.put(key, record);
      if (this.claims.doesExist(key)) this.claims.remove(key);
    }).then(() => undefined);
  }

  /**
   * Copy the verified payload of `key` into `target` (exactly `target.length` bytes expected).
   * Reads through lmdb's shared buffer, so the only copy is into the caller's batch buffer.
   */
  readInto(key: string, target: Uint8Array): ReadStatus {
    this.assertReadable();
    const bytes = this.values.getBinaryFast(key);
    if (!bytes) return 'missing';
    const layout = inspectTensor(bytes);
    if (!layout) {
      this.discardCorrupt(key);
      return 'corrupt';
    }
    if (layout.payloadBytes !== target.length) return 'shape';
    target.set(bytes.subarray(layout.payloadOffset, layout.payloadOffset + layout.payloadBytes));
    this.bytesReadSinceMap += bytes.length;
    return 'ok';
  }

  /** Shape of a verified entry, without copying its data out. */
  shapeOf(key: string): number[] | undefined {
    this.assertReadable();
    const bytes = this.values.getBinaryFast(key);
    return bytes ? inspectTensor(bytes)?.shape : undefined;
  }

  /**
   * `hashBytes` of a file's content, remembered by (path, inode, size, mtime, ctime) so a warm run
   * neither reads nor hashes unchanged files (as git and make trust mtimes). Any write to a file
   * changes its ctime, and a replaced file its inode, so an edited file is always hashed again.
   */
  fileHash(path: string): string {
    this.assertReadable();
    const stat = statSync(path, { bigint: true });
    const memoKey = `${resolve(path)}\0${stat.ino}\0${stat.size}\0${stat.mtimeNs}\0${stat.ctimeNs}`;
    const known = this.fileHashes.get(memoKey);
    if (known !== undefined) return known;
    const hash = hashBytes(readFileSync(path));
    void this.fileHashes.put(memoKey, hash);
    return hash;
  }

  /** Note that `key` was used now (buffered; written in batches for prune's age rule). */
  touch(key: string): void {
    this.pendingTouches.set(key, Date.now());
    if (this.pendingTouches.size >= TOUCH_BATCH) void this.writeTouches();
  }

  /** Number of entries. */
  count(): number {
    return this.values.getCount();
  }

  /** Write buffered access times and wait until every write is on disk. */
  async flush(): Promise<void> {
    await this.ready;
    await this.writeTouches();
    await Promise.all(this.pendingRemovals);
    await this.env.flushed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.env.close();
  }

  /** Keep the hit rate of this run for `cache info`. */
  async recordRun(stats: { hits: number; misses: number; experiment: string }): Promise<void> {
    const record: RunRecord = { ...stats, corrupt: this.counters.corrupt, time: new Date().toISOString() };
    await this.meta.put('lastRun', record);
  }

  lastRun(): RunRecord | undefined {
    return this.meta.get('lastRun');
  }

  /** Every entry's access record; entries written by no `put` of ours get their size from the value. */
  *accessRecords(): Generator<[string, AccessRecord]> {
    for (const key of this.values.getKeys()) {
      const record = decodeAccess(this.access.getBinaryFast(key));
      yield [key, record ?? { lastAccessMs: 0, bytes: this.values.getBinaryFast(key)?.length ?? 0 }];
    }
  }

  /** Remove entries; resolves when committed. */
  remove(keys: string[]): Promise<void> {
    return this.env.transaction(() => {
      for (const key of keys) {
        this.values.remove(key);
        this.shapes.remove(key);
        this.access.remove(key);
      }
    }).then(() => undefined);
  }

  private discardCorrupt(key: string): void {
    this.counters.corrupt++;
    // Re-check inside the write transaction: another process may have rewritten it meanwhile.
    const removal = this.env.transaction(() => {
      const current = this.values.getBinary(key);
      if (current && !inspectTensor(current)) {
        this.values.remove(key);
        this.shapes.remove(key);
        this.access.remove(key);
      }
    });
    this.pendingRemovals.add(removal);
    void removal.finally(() => this.pendingRemovals.delete(removal));
  }

  /**
   * Claim the entries of `keys` that nobody has computed or is computing, so concurrent
   * processes sharing the cache split the work instead of doing it twice. Returns the keys this
   * instance should compute. A claim ends with `put` (or `release`); it lapses after `ttlMs`, or
   * at once when its owner was a process on this host that no longer runs (e.g. killed).
   */
  claim(keys: readonly string[], ttlMs = DEFAULT_CLAIM_TTL_MS): Promise<string[]> {
    this.assertOpen();
    if (this.reopening) return this.reopening.then(() => this.claim(keys, ttlMs));
    const mine: string[] = [];
    return this.env
      .transaction(() => {
        const now = Date.now();
        for (const key of keys) {
          if (this.values.doesExist(key)) continue;
          if (claimHeldAgainst(this.claims.get(key), this.owner, now)) continue;
          this.claims.put(key, newClaim(this.owner, ttlMs, now));
          mine.push(key);
        }
      })
      .then(() => mine);
  }

  /** Give up this instance's claims on `keys` (e.g. their computation failed). */
  release(keys: readonly string[]): Promise<void> {
    return this.env
      .transaction(() => {
        for (const key of keys) if (this.claims.get(key)?.owner === this.owner) this.claims.remove(key);
      })
      .then(() => undefined);
  }

  private writeTouches(): Promise<void> {
    if (this.pendingTouches.size === 0 || this.closed) return Promise.resolve();
    const touches = [...this.pendingTouches];
    this.pendingTouches.clear();
    return this.env.transaction(() => {
      for (const [key, time] of touches) {
        const previous = decodeAccess(this.access.getBinary(key));
        const bytes = previous?.bytes ?? this.values.getBinary(key)?.length;
        if (bytes !== undefined) this.access.put(key, encodeAccess({ lastAccessMs: time, bytes }));
      }
    }).then(() => undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`feature cache ${this.dir} is closed`);
  }

  private assertReadable(): void {
    this.assertOpen();
    if (this.reopening) {
      throw new Error(`feature cache ${this.dir} is reopening its memory map: await cache.ready before reading`);
    }
  }
}
