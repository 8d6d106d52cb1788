import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import type { DownloadSpec } from './scan/types.js';

export interface DownloadResult {
  downloaded: boolean;
  root: string;
}

/**
 * Makes sure `root` holds the dataset: when it is missing or empty, downloads `spec.url` (streamed
 * to disk while hashing), verifies its sha256, and extracts the zip into `root` atomically
 * (extract into a sibling temp folder, then rename). A single top-level folder in the archive is
 * unwrapped. A non-empty `root` without `marker` is never overwritten.
 */
export async function ensureDownloaded(root: string, spec: DownloadSpec, marker: string | null = null): Promise<DownloadResult> {
  const state = await dataState(root, marker);
  if (state === 'present') return { downloaded: false, root };
  if (state === 'foreign') throw new Error(`${root}: folder is not empty but has no ${marker}; refusing to overwrite it with a download`);

  const temp = `${root}.partial-${process.pid}-${Date.now()}`;
  const archive = `${temp}.zip`;
  try {
    await mkdir(dirname(root), { recursive: true });
    const actual = await downloadTo(spec.url, archive);
    if (actual !== spec.sha256.toLowerCase()) {
      throw new Error(`download ${spec.url}: sha256 mismatch (expected ${spec.sha256}, got ${actual})`);
    }
    await extractZip(archive, temp, spec.url);
    const source = await unwrapSingleFolder(temp);
    await rm(root, { recursive: true, force: true }); // root is absent or an empty folder here
    await rename(source, root);
    return { downloaded: true, root };
  } finally {
    await rm(temp, { recursive: true, force: true });
    await rm(archive, { force: true });
  }
}

/** Streams the body to `path`; returns its sha256 (hex). */
async function downloadTo(url: string, path: string): Promise<string> {
  const response = await fetch(url).catch((e: unknown) => {
    throw new Error(`download ${url}: ${(e as Error).message}`);
  });
  if (!response.ok || !response.body) throw new Error(`download ${url}: HTTP ${response.status}`);
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** Streams a zip from disk into `dir` without holding the archive or its contents in memory. */
async function extractZip(archive: string, dir: string, url: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  let failure: Error | null = null;
  const unzip = new Unzip((entry) => {
    if (entry.name.endsWith('/')) return;
    const rel = normalize(entry.name);
    if (rel.startsWith('..') || rel.startsWith(sep)) {
      failure ??= new Error(`download ${url}: archive entry '${entry.name}' escapes the target folder`);
      return;
    }
    const target = join(dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    const fd = openSync(target, 'w');
    entry.ondata = (err, chunk, final) => {
      if (err) failure ??= new Error(`download ${url}: corrupt zip entry '${entry.name}': ${err.message}`);
      else writeSync(fd, chunk);
      if (final || err) closeSync(fd);
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  const file = await open(archive, 'r');
  let entries = 0;
  try {
    const { size } = await file.stat();
    const buffer = new Uint8Array(1 << 20);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, at);
      at += bytesRead;
      unzip.push(buffer.slice(0, bytesRead), at >= size);
      if (failure) throw failure;
    }
    entries = (await readdir(dir)).length;
  } catch (e) {
    if (e === failure) throw e;
    throw new Error(`download ${url}: not a valid zip archive (${(e as Error).message})`);
  } finally {
    await file.close();
  }
  if (entries === 0) throw new Error(`download ${url}: not a valid zip archive (no files in it)`);
}

async function unwrapSingleFolder(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.length === 1 && entries[0]!.isDirectory() ? join(dir, entries[0]!.name) : dir;
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
