/**
 * Node-only writes that are never seen half done: each file goes to `<name>.tmp-<pid>` in the same
 * directory (one file system, so the rename is atomic) and is renamed into place. A kill leaves at
 * most a `.tmp-<pid>` that readers ignore and `removeStaleTemps` deletes. A full or failing disk
 * surfaces as `OutOfSpaceError`: the directory, the bytes needed and the bytes free.
 * Shared by saveModel, the trainer's checkpoints and the pipeline's run files.
 */
import { mkdir, readdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { killPoint } from './kill-point.js';

export type FileData = string | Uint8Array;

/** Errors meaning the disk cannot take the write: full, over quota, or failing. */
const SPACE_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EIO']);

export class OutOfSpaceError extends Error {
  constructor(
    /** ENOSPC, EDQUOT or EIO. */
    readonly code: string,
    /** The directory being written. */
    readonly dir: string,
    readonly neededBytes: number,
    /** Bytes available to this user (statfs), or null when statfs failed too. */
    readonly freeBytes: number | null,
    options?: { cause: unknown },
  ) {
    const what = code === 'EIO' ? 'I/O error (EIO)' : 'disk full';
    const free = freeBytes === null ? 'free space unknown' : `${formatBytes(freeBytes)} free`;
    super(`${what} writing ${dir}: needed ~${formatBytes(neededBytes)}, ${free}`, options);
    this.name = 'OutOfSpaceError';
  }
}

/** `0.2 MB`, `5.8 MB`, or KB below 0.1 MB (decimal units, as df -H). */
export function formatBytes(bytes: number): string {
  return bytes >= 100_000 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} KB`;
}

/** `err` as an OutOfSpaceError when it is a disk-space/I/O failure writing into `dir`, else `err` itself. */
export async function asSpaceError(err: unknown, dir: string, neededBytes: number): Promise<unknown> {
  if (err instanceof OutOfSpaceError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (!code || !SPACE_CODES.has(code)) return err;
  return new OutOfSpaceError(code, dir, neededBytes, await freeBytes(dir), { cause: err });
}

/** Free bytes for an unprivileged writer on the file system holding `dir` (or its nearest existing ancestor). */
async function freeBytes(dir: string): Promise<number | null> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = await statfs(d);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(d) === d) return null;
    }
  }
}

const byteLength = (data: FileData) => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);

/** Writes `path` through a temporary name in its directory; never leaves `path` half written. */
export async function writeFileAtomic(path: string, data: FileData): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, data);
    killPoint(`rename:${basename(path)}`);
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => {});
    throw await asSpaceError(err, dirname(path), byteLength(data));
  }
}

/**
 * Writes `files` into a new directory `dir` that appears complete or not at all: they go to
 * `dir.tmp-<pid>/`, which is then renamed to `dir` (an existing `dir` is replaced).
 */
export async function writeDirAtomic(dir: string, files: Readonly<Record<string, FileData>>): Promise<void> {
  const temporary = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old.tmp-${process.pid}`;
  try {
    await rm(temporary, { recursive: true, force: true });
    await mkdir(temporary, { recursive: true });
    for (const [name, data] of Object.entries(files)) await writeFile(join(temporary, name), data);
    killPoint(`rename:${basename(dir)}`);
    try {
      await rename(temporary, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      // Replace: move the old one aside first (rename cannot replace a non-empty directory).
      await rename(dir, old);
      await rename(temporary, dir);
      await rm(old, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(temporary, { recursive: true, force: true }).catch(() => {});
    const needed = Object.values(files).reduce((sum, data) => sum + byteLength(data), 0);
    throw await asSpaceError(err, dirname(dir), needed);
  }
}

const TEMPORARY = /\.tmp-(\d+)$/;

/** Deletes the `.tmp-<pid>` leftovers in `dir` of processes no longer running (a killed run's). */
export async function removeStaleTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(TEMPORARY.exec(name)?.[1]);
    if (!pid || isRunning(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
