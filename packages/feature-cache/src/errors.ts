/**
 * An entry a run needs was corrupt (and has been removed) or missing when it was read. Computing
 * the entry again repairs it, which the pipeline does before retrying the fold.
 */
export class UnreadableEntryError extends Error {
  constructor(
    readonly key: string,
    readonly problem: 'corrupt' | 'missing',
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableEntryError';
  }
}

/**
 * The cache's disk is full (or failing): ENOSPC, EIO, MDB_MAP_FULL or lmdb's spill/commit I/O error.
 * Not corruption: every entry committed before it stays, and a rerun once space is free reuses them.
 */
export class CacheDiskFullError extends Error {
  constructor(
    readonly dir: string,
    /** Estimated bytes the writes that failed needed (at least). */
    readonly neededBytes: number,
    /** Bytes free on the cache's filesystem when it failed (fs.statfs), or undefined when unknown. */
    readonly freeBytes: number | undefined,
    readonly detail: string,
  ) {
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    super(
      `cache ${dir}: disk full: needed ~${mb(neededBytes)} MB, ${freeBytes === undefined ? 'unknown' : mb(freeBytes)} MB free; ` +
        `free space or set cache.dir (${detail})`,
    );
    this.name = 'CacheDiskFullError';
  }
}

/** The cache's lmdb environment is damaged and could not be moved aside (e.g. no permission). */
export class CacheDamagedError extends Error {
  constructor(
    readonly dir: string,
    readonly damage: string,
    detail: string,
  ) {
    super(`cache ${dir}: damaged (${damage}) and ${detail}`);
    this.name = 'CacheDamagedError';
  }
}
