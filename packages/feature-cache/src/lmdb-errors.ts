// Sorting lmdb's failures: a damaged environment (moved aside, the run goes on with a fresh one)
// versus a full or failing disk (a typed error: moving the cache aside would free nothing and
// throw away good entries).

export type LmdbFailure = 'damaged' | 'disk-full';

// Only a named lmdb failure is damage: moving a sound cache aside on a transient failure would
// throw away every other process's entries and claims.
const DAMAGED = /MDB_CORRUPTED|MDB_PAGE_NOTFOUND|MDB_PROBLEM|MDB_BAD_TXN|MDB_INVALID|MDB_VERSION_MISMATCH|MDB_BAD_DBI|txn should abort|Located page was wrong type|Requested page not found/;
const DISK_FULL = /ENOSPC|EIO\b|EDQUOT|MDB_MAP_FULL|No space left|Input\/output error|Disk quota|mdb_page_spill|error 5\b|error 28\b/;

function texts(error: unknown, depth = 0): string[] {
  if (depth > 3 || error === null || typeof error !== 'object') return error === undefined ? [] : [String(error)];
  const e = error as { message?: unknown; code?: unknown; cause?: unknown };
  return [String(e.message ?? ''), String(e.code ?? ''), ...texts(e.cause, depth + 1)];
}

/** What an error thrown by an lmdb read or write means for the environment, or undefined for any other error. */
export function classifyLmdbError(error: unknown): LmdbFailure | undefined {
  const all = texts(error).join('\n');
  if (DISK_FULL.test(all)) return 'disk-full';
  if (DAMAGED.test(all)) return 'damaged';
  return undefined;
}

/** A short reason for the one-line report. */
export function lmdbErrorText(error: unknown): string {
  return texts(error).filter(Boolean)[0]?.split('\n')[0] ?? String(error);
}
