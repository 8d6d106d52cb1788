import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../problems.js';

export interface WalkResult {
  files: string[];
  /** Directories (relative to root, '' = root) and how many audio files each directly holds. */
  dirs: Map<string, number>;
  problems: Problem[];
}

/**
 * Recursively lists files under `root` whose name passes `accept`, sorted, following symlinks
 * but never looping (a directory is entered once per real path). Never throws for a bad entry.
 */
export async function walkFiles(root: string, accept: (name: string) => boolean): Promise<WalkResult> {
  const files: string[] = [];
  const dirs = new Map<string, number>();
  const problems: Problem[] = [];
  const seen = new Set<string>();

  async function visit(dir: string, rel: string): Promise<void> {
    let real: string;
    try {
      real = await realpath(dir);
    } catch (e) {
      problems.push({ path: dir, reason: describeFsError(e, 'cannot resolve directory') });
      return;
    }
    if (seen.has(real)) {
      problems.push({ path: dir, reason: `symlink loop: directory already visited as ${real}` });
      return;
    }
    seen.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      problems.push({ path: dir, reason: describeFsError(e, 'cannot read directory') });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let count = 0;
    for (const entry of entries) {
      const full = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const s = await stat(full);
          isDir = s.isDirectory();
          isFile = s.isFile();
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (accept(entry.name) || code === 'ELOOP') {
            problems.push({ path: full, reason: code === 'ELOOP' ? 'symlink loop' : describeFsError(e, 'broken symlink') });
          }
          continue;
        }
      }
      if (isDir) await visit(full, rel ? join(rel, entry.name) : entry.name);
      else if (isFile && accept(entry.name)) {
        files.push(full);
        count++;
      }
    }
    dirs.set(rel, count);
  }

  await visit(root, '');
  return { files, dirs, problems };
}

export function describeFsError(e: unknown, what: string): string {
  const err = e as NodeJS.ErrnoException;
  return `${what}${err.code ? ` (${err.code})` : ''}: ${err.message ?? String(e)}`;
}
