// The checks FeatureCache runs on its lmdb file: the header before mapping it, the trees once
// mapped (inside a read transaction, so no writer reuses a page being checked).
import { existsSync, statSync } from 'node:fs';
import { openEnvironment, withEnvironmentLock, withEnvironmentLockAsync } from './lmdb-env.js';
import { checkLmdbHeader } from './lmdb-header.js';
import { checkLmdbTrees } from './lmdb-walk.js';
import { sleepSync } from './sleep-sync.js';

/** How long a file that looks short may still be being created by another process's lmdb (generous: a creator descheduled on a loaded machine). */
const CREATING_GRACE_MS = 2_000;

/** What is wrong with the file before it may be mapped, or undefined (also when it does not exist). */
export function headerDamage(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const check = checkLmdbHeader(path);
  return check.ok ? undefined : check.damage;
}

/**
 * `headerDamage`, but a short file is looked at again for a moment: lmdb creates the file, then
 * writes its meta pages, so another process opening a new cache can show an empty file briefly.
 */
export function settledHeaderDamage(path: string): string | undefined {
  let damage = headerDamage(path);
  const until = Date.now() + CREATING_GRACE_MS;
  while (damage && statSync(path, { throwIfNoEntry: false })?.size !== undefined && fileIsYoung(path) && Date.now() < until) {
    sleepSync(20);
    damage = headerDamage(path);
  }
  return damage;
}

function fileIsYoung(path: string): boolean {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat !== undefined && Date.now() - stat.mtimeMs < 5_000;
}

/** The newest committed transaction of the file, or undefined when its header is damaged. */
function newestTxn(path: string): bigint | undefined {
  const check = checkLmdbHeader(path);
  return check.ok ? check.meta.txnId : undefined;
}

/**
 * The tree check (header included); call it inside a read transaction of an open environment.
 * The walk reads the newest tree with plain file reads, which this process's read transaction
 * does not protect: another process that commits twice during the walk may reuse its pages, and
 * the walk would see "damage" in a sound file. So damage counts only when no commit landed during
 * the walk (the same newest txn before and after); a walk that keeps racing writers is
 * inconclusive and the file is taken as sound (lmdb's own errors still catch real damage later).
 */
export function treeDamage(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = newestTxn(path);
    const damage = checkLmdbTrees(path);
    if (!damage || before === undefined || newestTxn(path) === before) return damage;
  }
  return undefined;
}

/**
 * Everything wrong with the environment at `path` as a whole (header, then trees), without
 * changing it: for `cache info` and `cache verify`. Undefined when sound or absent.
 */
export async function environmentDamage(path: string): Promise<string | undefined> {
  const before = headerDamage(path);
  if (before || !existsSync(path)) return before;
  const env = withEnvironmentLock(path, () => openEnvironment(path));
  try {
    const txn = env.useReadTransaction();
    try {
      return treeDamage(path);
    } finally {
      txn.done();
    }
  } finally {
    await withEnvironmentLockAsync(path, () => env.close());
  }
}
