import { existsSync, mkdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Database, RootDatabase } from 'lmdb';
import { claimHeldAgainst, DEFAULT_CLAIM_TTL_MS, newClaim, type Claim } from './claims.js';
import { decodeAccess, decodeShape, encodeAccess, encodeShape } from './entry-records.js';
import { CacheDamagedError, CacheDiskFullError } from './errors.js';
import { settledHeaderDamage, treeDamage } from './integrity.js';
import { openEnvironment, withEnvironmentLock, withEnvironmentLockAsync } from './lmdb-env.js';
import { classifyLmdbError, lmdbErrorText } from './lmdb-errors.js';
import { moveAside, type MoveOutcome } from './move-aside.js';
import type { AccessRecord, CacheCounters, FeatureStore, ReadStatus, RunRecord } from './feature-store.js';
import { hashBytes } from './keys.js';
import { decodeTensor, encodeTensor, inspectTensor, type FeatureTensor } from './tensor-codec.js';

/** The lmdb file inside a cache dir (lmdb adds `features.mdb-lock` beside it). */
export const CACHE_FILE = 'features.mdb';

/** Access-time updates are buffered and written in one transaction per this many keys. */
const TOUCH_BATCH = 1024;
/** How long to wait for a damaged environment to close before moving it aside regardless. */
const CLOSE_DAMAGED_MS = 2_000;

/** A write waiting for the next commit, with the promise it settles. */
interface QueuedWrite {
  apply: () => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
  bytes: number;
}

/** One key's records in the three per-entry tables (each absent when that table lacks the key). */
export interface RawRecords {
  key: string;
  value: Buffer | undefined;
  shape: Buffer | undefined;
  access: Buffer | undefined;
}

export interface FeatureCacheOptions {
  /**
   * Told, in one line, when the cache's lmdb environment was found damaged and moved aside (or
   * another process had just done so); default: written to stderr.
   */
  onDamaged?: (message: string) => void;
}

/**
 * Content-addressed store of float32 feature tensors in lmdb, shared by every experiment and
 * process that opens the same dir. lmdb gives multi-process safety (one writer at a time, readers
 * never blocked) and crash safety (a commit is atomic: a kill -9 loses only uncommitted puts).
 * Sub-databases of the one file: values, shapes, access, claims, file-hashes, meta.
 *
 * Writes are queued and committed together, once per event turn, in one synchronous transaction
 * (lmdb's own C write path). lmdb-js's asynchronous writer thread is not used: with several
 * processes writing at once it lost committed transactions. Opening, closing and committing hold
 * one lock between processes (`withEnvironmentLock`): an open during another process's commit lost
 * commits too.
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
  /** Set while a damaged environment is moved aside and a fresh one opened: reads find nothing. */
  private recovering: Promise<void> | undefined;
  /** Inode of the open data file, so that only the damaged file is ever moved aside. */
  private inode = 0;
  /** Bytes of puts not yet committed, for the disk-full estimate. */
  private bytesInFlight = 0;
  private diskFull: CacheDiskFullError | undefined;
  private readonly onDamaged: (message: string) => void;
  /** Writes issued since the last commit (a commit is scheduled while any wait); the chain of commits. */
  private queued: QueuedWrite[] = [];
  private commits: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    opts: FeatureCacheOptions,
  ) {
    this.onDamaged = opts.onDamaged ?? ((message) => process.stderr.write(`${message}\n`));
    this.attach();
  }

  /**
   * Open (creating as needed) the cache in `dir`. A damaged lmdb file (truncated, garbled header
   * or trees) is found before it is used, moved aside to `<dir>.damaged-<time>/` (one line through
   * `onDamaged`), and a fresh cache opened instead.
   */
  static open(dir: string, opts: FeatureCacheOptions = {}): FeatureCache {
    mkdirSync(dir, { recursive: true });
    return new FeatureCache(dir, opts);
  }

  /** The cache in `dir`, or undefined when there is none yet (without creating one). */
  static openIfExists(dir: string, opts: FeatureCacheOptions = {}): FeatureCache | undefined {
    return existsSync(join(dir, CACHE_FILE)) ? FeatureCache.open(dir, opts) : undefined;
  }

  private get file(): string {
    return join(this.dir, CACHE_FILE);
  }

  /** Open the environment, checking the file first; a damaged file is moved aside, once. */
  private attach(): void {
    this.underOpenLock(() => this.checkAndOpen());
  }

  /** Run `section` (which opens the environment) while no other process opens, closes or commits to it. */
  private underOpenLock(section: () => void): void {
    try {
      withEnvironmentLock(this.file, section);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw this.diskFullError(error, 0);
      throw error;
    }
  }

  /** Open the environment and its tables again (after a reopen's or a recovery's close). */
  private openUnderLock(): void {
    this.underOpenLock(() => {
      this.openEnv();
      this.openDbs();
    });
  }

  private checkAndOpen(): void {
    const path = this.file;
    const before = settledHeaderDamage(path);
    if (before) this.moveDamagedAside(before, statSync(path).ino, () => settledHeaderDamage(path) !== undefined);
    this.openEnv();
    if (before) return this.openDbs();
    // The trees are checked inside a read transaction: no writer reuses a page while it is read.
    const txn = this.env.useReadTransaction();
    let damage: string | undefined;
    try {
      damage = treeDamage(path);
    } finally {
      txn.done();
    }
    if (damage) {
      this.env.close().catch(() => undefined);
      this.moveDamagedAside(damage, this.inode, () => treeDamage(path) !== undefined);
      this.openEnv();
    }
    this.openDbs();
  }

  private openEnv(): void {
    const path = this.file;
    try {
      this.env = openEnvironment(path);
      this.inode = statSync(path).ino;
    } catch (error) {
      if (classifyLmdbError(error) === 'disk-full') throw this.diskFullError(error, 0);
      throw new Error(`feature cache: cannot open ${path}: ${(error as Error).message}`);
    }
  }

  /** Move the damaged data and lock files to `<dir>.damaged-<time>/` and say so in one line. */
  private moveDamagedAside(damage: string, inode: number, stillDamaged: () => boolean): void {
    let outcome: MoveOutcome;
    try {
      outcome = moveAside({ dir: this.dir, files: [CACHE_FILE, `${CACHE_FILE}-lock`], inode, stillDamaged });
    } catch (error) {
      throw new CacheDamagedError(this.dir, damage, `cannot be moved aside: ${(error as Error).message}`);
    }
    if (outcome.kind === 'moved') {
      this.onDamaged(`cache ${this.dir}: damaged (${damage}); moved it aside to ${outcome.to}, continuing with a fresh cache`);
    } else if (outcome.kind === 'replaced') {
      this.onDamaged(`cache ${this.dir}: damaged (${damage}); another process moved it aside, continuing with its fresh cache`);
    }
  }

  private openDbs(): void {
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
        this.writeTouchesNow();
        await this.closeEnv();
      } finally {
        try {
          this.openUnderLock();
        } finally {
          this.reopening = undefined;
        }
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
    const bytes = this.read(() => this.values.getBinaryFast(key), undefined);
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
    let shape = decodeShape(this.read(() => this.shapes.getBinaryFast(key), undefined));
    if (!shape) {
      const bytes = this.read(() => this.values.getBinaryFast(key), undefined);
      if (!bytes) return undefined;
      shape = inspectTensor(bytes)?.shape;
      if (!shape) {
        this.discardCorrupt(key);
        return undefined;
      }
      const indexed = shape;
      this.background(this.write(() => this.shapes.putSync(key, encodeShape(indexed))));
    }
    this.touch(key);
    return shape;
  }

  /** Whether an entry exists (not verified: `get` or a batch read verifies). Marks it used. */
  has(key: string): boolean {
    const exists = this.read(() => this.values.doesExist(key), false);
    if (exists) this.touch(key);
    return exists;
  }

  /**
   * Store a tensor. Resolves once the write is committed. Puts issued without awaiting each other
   * share one lmdb transaction, which is much faster than awaiting them one by one.
   */
  put(key: string, tensor: FeatureTensor): Promise<void> {
    this.assertOpen();
    const bytes = encodeTensor(tensor);
    const shape = encodeShape(tensor.shape);
    this.pendingTouches.delete(key);
    this.bytesInFlight += bytes.length;
    return this.write(() => {
      this.values.putSync(key, bytes);
      this.shapes.putSync(key, shape);
      this.access.putSync(key, encodeAccess({ lastAccessMs: Date.now(), bytes: bytes.length }));
      if (this.claims.doesExist(key)) this.claims.removeSync(key);
    }, bytes.length).finally(() => {
      this.bytesInFlight -= bytes.length;
    });
  }

  /**
   * Copy the verified payload of `key` into `target` (exactly `target.length` bytes expected).
   * Reads through lmdb's shared buffer, so the only copy is into the caller's batch buffer.
   */
  readInto(key: string, target: Uint8Array): ReadStatus {
    const bytes = this.read(() => this.values.getBinaryFast(key), undefined);
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
    const bytes = this.read(() => this.values.getBinaryFast(key), undefined);
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
    const known = this.read(() => this.fileHashes.get(memoKey), undefined);
    if (known !== undefined) return known;
    const hash = hashBytes(readFileSync(path));
    this.background(this.write(() => this.fileHashes.putSync(memoKey, hash)));
    return hash;
  }

  /** Note that `key` was used now (buffered; written in batches for prune's age rule). */
  touch(key: string): void {
    this.pendingTouches.set(key, Date.now());
    if (this.pendingTouches.size >= TOUCH_BATCH) this.background(this.writeTouches());
  }

  /** Number of entries. */
  count(): number {
    return this.read(() => this.values.getCount(), 0);
  }

  /** Write buffered access times and wait until every write is committed (and so on disk). */
  async flush(): Promise<void> {
    await this.ready;
    await this.writeTouches();
    await Promise.all(this.pendingRemovals);
    await this.commits;
  }

  /** Flush and close. After a disk-full failure, only close: that error was already thrown. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } catch (error) {
      if (!this.diskFull) throw error;
    } finally {
      this.closed = true;
      await (this.diskFull ? this.closeFailedEnv() : this.closeEnv());
    }
  }

  /** Keep the hit rate of this run for `cache info`. */
  async recordRun(stats: { hits: number; misses: number; experiment: string }): Promise<void> {
    const record: RunRecord = { ...stats, corrupt: this.counters.corrupt, time: new Date().toISOString() };
    await this.write(() => this.meta.putSync('lastRun', record));
  }

  lastRun(): RunRecord | undefined {
    return this.read(() => this.meta.get('lastRun'), undefined);
  }

  /** Every entry's access record; entries written by no `put` of ours get their size from the value. */
  *accessRecords(): Generator<[string, AccessRecord]> {
    const keys = this.read(() => [...this.values.getKeys()], []);
    for (const key of keys) {
      const record = decodeAccess(this.read(() => this.access.getBinaryFast(key), undefined));
      yield [key, record ?? { lastAccessMs: 0, bytes: this.read(() => this.values.getBinaryFast(key)?.length ?? 0, 0) }];
    }
  }

  /** Remove entries; resolves when committed. */
  remove(keys: string[]): Promise<void> {
    return this.write(() => {
      for (const key of keys) this.removeEntry(key);
    });
  }

  /** Inside a write: drop one entry's records from the per-entry tables. */
  private removeEntry(key: string): void {
    this.values.removeSync(key);
    this.shapes.removeSync(key);
    this.access.removeSync(key);
  }

  /**
   * Every key of the values, shapes and access tables with its raw records, for `cache verify`
   * (the bytes are lmdb's shared buffers: use them before the next read).
   */
  *rawRecords(): Generator<RawRecords> {
    const keys = new Set<string>();
    for (const table of [this.values, this.shapes, this.access]) for (const key of this.read(() => [...table.getKeys()], [])) keys.add(key);
    for (const key of [...keys].sort()) {
      yield {
        key,
        value: this.read(() => this.values.getBinary(key), undefined),
        shape: this.read(() => this.shapes.getBinary(key), undefined),
        access: this.read(() => this.access.getBinary(key), undefined),
      };
    }
  }

  /** Write the shape index record of a verified entry (`cache repair`). */
  async indexShape(key: string, shape: readonly number[]): Promise<void> {
    await this.write(() => this.shapes.putSync(key, encodeShape(shape)));
  }

  private discardCorrupt(key: string): void {
    this.counters.corrupt++;
    // Re-check inside the write transaction: another process may have rewritten it meanwhile.
    const removal = this.write(() => {
      const current = this.values.getBinary(key);
      if (current && !inspectTensor(current)) this.removeEntry(key);
    });
    this.pendingRemovals.add(removal);
    void removal.then(
      () => this.pendingRemovals.delete(removal),
      () => this.pendingRemovals.delete(removal),
    );
  }

  /**
   * Claim the entries of `keys` that nobody has computed or is computing, so concurrent
   * processes sharing the cache split the work instead of doing it twice. Returns the keys this
   * instance should compute. A claim ends with `put` (or `release`); it lapses after `ttlMs`, or
   * at once when its owner was a process on this host that no longer runs (e.g. killed).
   */
  claim(keys: readonly string[], ttlMs = DEFAULT_CLAIM_TTL_MS): Promise<string[]> {
    this.assertOpen();
    return this.write(() => {
      const mine: string[] = [];
      const now = Date.now();
      for (const key of keys) {
        if (this.values.doesExist(key)) continue;
        if (claimHeldAgainst(this.claims.get(key), this.owner, now)) continue;
        this.claims.putSync(key, newClaim(this.owner, ttlMs, now));
        mine.push(key);
      }
      return mine;
    });
  }

  /** Give up this instance's claims on `keys` (e.g. their computation failed). */
  release(keys: readonly string[]): Promise<void> {
    return this.write(() => {
      for (const key of keys) if (this.claims.get(key)?.owner === this.owner) this.claims.removeSync(key);
    });
  }

  private writeTouches(): Promise<void> {
    if (this.pendingTouches.size === 0 || this.closed) return Promise.resolve();
    return this.write(this.takeTouches());
  }

  /** The reopen's own commit of buffered access times (queued writes wait for the reopen). */
  private writeTouchesNow(): void {
    if (this.pendingTouches.size > 0) this.commit(this.takeTouches(), 0);
  }

  /** A write of the buffered access times, which it empties. */
  private takeTouches(): () => void {
    const touches = [...this.pendingTouches];
    this.pendingTouches.clear();
    return () => {
      for (const [key, time] of touches) {
        const previous = decodeAccess(this.access.getBinary(key));
        const bytes = previous?.bytes ?? this.values.getBinary(key)?.length;
        if (bytes !== undefined) this.access.putSync(key, encodeAccess({ lastAccessMs: time, bytes }));
      }
    };
  }

  /**
   * A synchronous lmdb read. While a damaged environment is being replaced it finds nothing (the
   * fresh cache is empty); an error meaning damage starts that replacement and reads as `empty`.
   */
  private read<T>(read: () => T, empty: T): T {
    this.assertReadable();
    if (this.recovering) return empty;
    try {
      return read();
    } catch (error) {
      const kind = classifyLmdbError(error);
      if (kind === 'damaged') {
        this.recover(lmdbErrorText(error));
        return empty;
      }
      if (kind === 'disk-full') throw this.diskFullError(error, 0);
      throw error;
    }
  }

  /**
   * Queue a write (`apply` runs inside a write transaction, with lmdb's synchronous calls) and
   * resolve with its result once committed. Writes issued in one event turn share a commit. A
   * damaged environment is replaced and the batch applied again to the fresh one; a full disk
   * throws `CacheDiskFullError` (committed entries stay).
   */
  private write<T>(apply: () => T, bytes = 0): Promise<T> {
    if (this.diskFull) return Promise.reject(this.diskFull);
    return new Promise<T>((resolve, reject) => {
      // The first write of a batch schedules its commit; the rest join it.
      if (this.queued.push({ apply, resolve: resolve as (result: unknown) => void, reject, bytes }) > 1) return;
      // One commit at a time, each after the current event turn's writes have joined it.
      this.commits = this.commits.then(() => new Promise<void>((next) => setImmediate(next))).then(() => this.commitQueued());
    });
  }

  /** Commit every queued write in one transaction and settle their promises (never rejects). */
  private async commitQueued(): Promise<void> {
    let unusable: unknown;
    try {
      // The environment is being replaced or reopened: commit to the one that comes next.
      while (this.recovering ?? this.reopening) await (this.recovering ?? this.reopening);
    } catch (error) {
      unusable = error; // a damaged cache that could not be moved aside
    }
    const batch = this.queued.splice(0);
    if (unusable !== undefined) {
      for (const write of batch) write.reject(unusable);
      return;
    }
    const applyAll = () => batch.map((write) => write.apply());
    const bytes = batch.reduce((sum, write) => sum + write.bytes, 0);
    try {
      let results: unknown[];
      try {
        results = this.commit(applyAll, bytes);
      } catch (error) {
        if (classifyLmdbError(error) !== 'damaged') throw error;
        await this.recover(lmdbErrorText(error));
        results = this.commit(applyAll, bytes);
      }
      batch.forEach((write, i) => write.resolve(results[i]));
    } catch (error) {
      for (const write of batch) write.reject(error);
    }
  }

  /** Run `apply` in one synchronous write transaction; a full disk becomes `CacheDiskFullError`. */
  private commit<T>(apply: () => T, bytes: number): T {
    if (this.diskFull) throw this.diskFull;
    try {
      return withEnvironmentLock(this.file, () => this.env.transactionSync(apply));
    } catch (error) {
      if (classifyLmdbError(error) === 'disk-full') throw this.diskFullError(error, bytes);
      throw error;
    }
  }

  /** A write nobody awaits (memo, index, access times): its failure must not be unhandled. */
  private background(write: Promise<unknown>): void {
    write.catch(() => undefined);
  }

  /** Replace a damaged environment: close it, move it aside (once across processes), open a fresh one. */
  private recover(damage: string): Promise<void> {
    this.recovering ??= (async () => {
      try {
        await this.closeFailedEnv();
        this.pendingTouches.clear();
        this.moveDamagedAside(damage, this.inode, () => true);
        this.openUnderLock();
      } finally {
        this.recovering = undefined;
      }
    })();
    return this.recovering;
  }

  private closeEnv(): Promise<void> {
    return withEnvironmentLockAsync(this.file, () => this.env.close());
  }

  /** Close an environment found damaged or out of space, waiting a bounded time (it may hang). */
  private async closeFailedEnv(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closing = this.closeEnv().catch(() => undefined);
    await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_DAMAGED_MS)))]);
    clearTimeout(timer);
  }

  private diskFullError(error: unknown, bytes: number): CacheDiskFullError {
    let free: number | undefined;
    try {
      const stats = statfsSync(this.dir);
      free = stats.bavail * stats.bsize;
    } catch {
      free = undefined;
    }
    this.diskFull ??= new CacheDiskFullError(this.dir, Math.max(bytes, this.bytesInFlight), free, lmdbErrorText(error));
    return this.diskFull;
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
