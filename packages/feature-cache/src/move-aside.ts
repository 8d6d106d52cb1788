// Moving a damaged lmdb environment out of the way, once, even when several processes sharing the
// cache find the damage at the same time: each takes a lock, and only the one
// that still finds the damaged file (the same inode, still damaged) renames it; the others reopen
// the fresh environment the winner leaves.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { withProcessLock } from './process-lock.js';

const LOCK = 'features.mdb-moving';

export interface MoveAsideRequest {
  dir: string;
  /** The data file and its lock file, by name. */
  files: readonly string[];
  /** Inode of the file found damaged: a different file at the path was already replaced. */
  inode: number;
  /** Re-checks the file under the lock (a file another process is creating looks short for a moment). */
  stillDamaged: () => boolean;
}

/** Moved to `to`; already replaced by another process; or found sound after all (it was being created). */
export type MoveOutcome = { kind: 'moved'; to: string } | { kind: 'replaced' } | { kind: 'sound' };

export function moveAside(request: MoveAsideRequest): MoveOutcome {
  const { dir, files } = request;
  return withProcessLock(join(dir, LOCK), (): MoveOutcome => {
    const path = join(dir, files[0]!);
    if (!existsSync(path) || statSync(path).ino !== request.inode) return { kind: 'replaced' };
    if (!request.stillDamaged()) return { kind: 'sound' };
    const target = asideDir(dir);
    mkdirSync(target);
    for (const name of files) if (existsSync(join(dir, name))) renameSync(join(dir, name), join(target, name));
    return { kind: 'moved', to: target };
  });
}

/** `<dir>.damaged-<UTC time>`, unique. */
function asideDir(dir: string): string {
  const base = `${dir.replace(/[\\/]+$/, '')}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  let target = base;
  for (let i = 2; existsSync(target); i++) target = `${base}-${i}`;
  return target;
}
