import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import type { DownloadSpec } from './scan/types.js';

export interface DownloadResult {
  downloaded: boolean;
  root: string;
}

/**
 * Makes sure `root` holds the dataset: when it is missing or empty (or lacks `marker`), downloads
 * `spec.url`, verifies its sha256, and extracts the zip into `root` atomically (extract to a sibling
 * temp folder, then rename). A single top-level folder in the archive is unwrapped.
 */
export async function ensureDownloaded(root: string, spec: DownloadSpec, marker: string | null = null): Promise<DownloadResult> {
  const state = await dataState(root, marker);
  if (state === 'present') return { downloaded: false, root };
  if (state === 'foreign') throw new Error(`${root}: folder is not empty but has no ${marker}; refusing to overwrite it with a download`);
  const response = await fetch(spec.url).catch((e: unknown) => {
    throw new Error(`download ${spec.url}: ${(e as Error).message}`);
  });
  if (!response.ok) throw new Error(`download ${spec.url}: HTTP ${response.status}`);
  const archive = new Uint8Array(await response.arrayBuffer());
  const actual = createHash('sha256').update(archive).digest('hex');
  if (actual !== spec.sha256.toLowerCase()) {
    throw new Error(`download ${spec.url}: sha256 mismatch (expected ${spec.sha256}, got ${actual})`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(archive);
  } catch (e) {
    throw new Error(`download ${spec.url}: not a valid zip archive (${(e as Error).message})`);
  }
  const prefix = commonTopFolder(Object.keys(entries));
  const temp = `${root}.partial-${process.pid}-${Date.now()}`;
  try {
    for (const [name, data] of Object.entries(entries)) {
      if (name.endsWith('/')) continue;
      const rel = normalize(name.slice(prefix.length));
      if (rel.startsWith('..') || rel.startsWith(sep)) throw new Error(`download ${spec.url}: archive entry '${name}' escapes the target folder`);
      const target = join(temp, rel);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    await mkdir(dirname(root), { recursive: true });
    await rm(root, { recursive: true, force: true }); // root is absent or an empty folder here
    await rename(temp, root);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e;
  }
  return { downloaded: true, root };
}

async function dataState(root: string, marker: string | null): Promise<'present' | 'absent' | 'foreign'> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return 'absent';
  }
  if (names.length === 0) return 'absent';
  if (!marker) return 'present';
  return (await stat(join(root, marker)).then((s) => s.isFile(), () => false)) ? 'present' : 'foreign';
}

function commonTopFolder(names: string[]): string {
  const files = names.filter((n) => !n.endsWith('/'));
  const first = files[0]?.split('/')[0];
  if (!first || files.some((n) => !n.startsWith(`${first}/`))) return '';
  return `${first}/`;
}
