/**
 * Block this thread for `ms` milliseconds. For the short waits of opening a cache (another process
 * creating the file, or holding the move-aside lock), which run inside synchronous constructors.
 */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
