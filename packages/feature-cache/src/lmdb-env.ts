import { open, type RootDatabase } from 'lmdb';
import { withProcessLock, withProcessLockAsync } from './process-lock.js';

/**
 * The cache file's lmdb environment, opened the one way every process sharing it must open it.
 * Commits are synchronous and durable at once: lmdb-js's `overlappingSync` (its own extension,
 * flushing after the writer lock is released, with per-process flush state) lost commits between
 * processes. Open it inside `withEnvironmentLock`.
 */
export function openEnvironment(path: string): RootDatabase {
  return open({ path, maxDbs: 8, overlappingSync: false });
}

/**
 * Run `section` while no other process opens, closes or commits to the environment at `path`.
 * lmdb's writer lock does not cover opening: a process opening the file while another commits
 * sets the shared transaction id from the meta page it read, and the next writer then builds on
 * the older snapshot, which loses the commit in between (seen with two processes re-opening a
 * cache while a third commits, and with four processes starting on a fresh cache under load).
 */
export function withEnvironmentLock<T>(path: string, section: () => T): T {
  return withProcessLock(lockPath(path), section);
}

/** `withEnvironmentLock` for a section that awaits (an lmdb-js close). */
export function withEnvironmentLockAsync<T>(path: string, section: () => Promise<T>): Promise<T> {
  return withProcessLockAsync(lockPath(path), section);
}

/** Beside the data file: `features.mdb-writing`. */
function lockPath(path: string): string {
  return `${path}-writing`;
}
