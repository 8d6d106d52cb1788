import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Remembers each file's content hash by its identity (inode, size, mtime and ctime in ns), so a
 * rerun over unchanged files skips reading and hashing them. Any write to a file changes its ctime,
 * so an edited file is always re-hashed. Stored next to the feature cache; a lost or corrupt memo
 * only costs a re-hash.
 */
export class HashMemo {
  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, string>,
    private dirty = false,
  ) {}

  static async open(cacheDir: string): Promise<HashMemo> {
    const file = join(cacheDir, 'file-hashes.json');
    let entries = new Map<string, string>();
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        entries = new Map(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
      }
    } catch {
      // missing or unreadable: start empty
    }
    return new HashMemo(file, entries);
  }

  /** `path|ino|size|mtimeNs|ctimeNs`, or undefined when the file cannot be stat'ed. */
  static identity(path: string): string | undefined {
    try {
      // Sync: ~8 µs per file against ~60 µs through the libuv pool, and the main thread waits anyway.
      const s = statSync(path, { bigint: true });
      return `${path}|${s.ino}|${s.size}|${s.mtimeNs}|${s.ctimeNs}`;
    } catch {
      return undefined;
    }
  }

  get(identity: string): string | undefined {
    return this.entries.get(identity);
  }

  set(identity: string, hash: string): void {
    if (this.entries.get(identity) === hash) return;
    this.entries.set(identity, hash);
    this.dirty = true;
  }

  /** Atomic write (temp file + rename), so a concurrent reader never sees half a file. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const dir = join(this.file, '..');
    await mkdir(dir, { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(Object.fromEntries(this.entries)));
    await rename(temp, this.file);
    this.dirty = false;
  }
}
