// A lock between processes sharing a cache dir, for short sections (opening, closing or committing
// to the lmdb environment; moving a damaged one aside): a file created only if absent, holding the
// holder's pid. A holder that died, or hung for 30 s, loses the lock.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { sleepSync } from './sleep-sync.js';

const STALE_LOCK_MS = 30_000;
const WAIT_MS = 5;

/** Locks this process holds, with how many sections hold each (the lock is re-entrant in a process). */
const held = new Map<string, number>();

/** Run `section` holding the lock file at `path` (waiting for another process that holds it). */
export function withProcessLock<T>(path: string, section: () => T): T {
  const release = acquire(path);
  try {
    return section();
  } finally {
    release();
  }
}

/** `withProcessLock` for a section that awaits (other sections of this process may enter meanwhile). */
export async function withProcessLockAsync<T>(path: string, section: () => Promise<T>): Promise<T> {
  const release = acquire(path);
  try {
    return await section();
  } finally {
    release();
  }
}

function acquire(path: string): () => void {
  const depth = held.get(path) ?? 0;
  if (depth === 0) lock(path);
  held.set(path, depth + 1);
  return () => {
    const left = held.get(path)! - 1;
    if (left > 0) return void held.set(path, left);
    held.delete(path);
    rmSync(path, { force: true });
  };
}

function lock(path: string): void {
  for (;;) {
    try {
      // Created only if absent (O_EXCL), with the holder's pid for the staleness check.
      return writeFileSync(path, `${process.pid}`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsStale(path)) rmSync(path, { recursive: true, force: true });
      else sleepSync(WAIT_MS);
    }
  }
}

function lockIsStale(path: string): boolean {
  try {
    if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(readFileSync(path, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false; // being written
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
