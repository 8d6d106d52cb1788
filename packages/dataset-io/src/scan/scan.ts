import { access, constants, readFile, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, sep } from 'node:path';
import { toProblem, type Problem } from '../problems.js';
import { ensureDownloaded } from '../download.js';
import { parseCsv } from './csv.js';
import { DEFAULT_AUDIO_EXTENSIONS, type AudioItem, type DatasetPreset, type DatasetSource, type ScanResult } from './types.js';
import { describeFsError, walkFiles } from './walk.js';

/** FSDD: `{digit}_{speaker}_{index}.wav`; group = speaker. */
export const FSDD_PATTERN = /^(?<label>\d+)_(?<group>.+)_(?<index>\d+)\.wav$/i;

/** Finds, labels and sanity-checks a dataset's files. Never throws for bad files: see `problems`. */
export async function scanDataset(source: DatasetSource): Promise<ScanResult> {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  let items: AudioItem[];
  switch (source.kind) {
    case 'folder':
      items = await scanFolder(source.root, source.extensions ?? DEFAULT_AUDIO_EXTENSIONS, problems, warnings);
      if (source.pattern !== undefined) items = withNameFields(items, toRegExp(source.pattern, false), warnings);
      break;
    case 'filename':
      items = await scanFilenames(source.root, toRegExp(source.pattern), source.extensions ?? DEFAULT_AUDIO_EXTENSIONS, problems);
      break;
    case 'csv':
      items = await scanCsv(source, problems);
      break;
    case 'preset':
      items = await scanPreset(source, problems);
      break;
  }
  await checkReadable(items, problems);
  const bad = new Set(problems.map((p) => p.path));
  items = items.filter((item) => !bad.has(item.path));
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
  for (const [label, count] of counts) {
    if (count === 1) warnings.push({ path: items.find((i) => i.label === label)!.path, reason: `class '${label}' has a single file` });
  }
  return { items, classes: [...counts.keys()].sort(), problems, warnings };
}

function toRegExp(pattern: RegExp | string, needsLabel = true): RegExp {
  const re = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  if (needsLabel && !/\(\?<label>/.test(re.source)) throw new Error(`filename pattern ${re} must have a named group (?<label>…)`);
  if (!needsLabel && !/\(\?<(group|index|fold)>/.test(re.source)) {
    throw new Error(`file name pattern ${re} must have a named group (?<group>…), (?<index>…) or (?<fold>…)`);
  }
  return re;
}

/** Copies the pattern's named groups (group, index, fold) onto each item; a name that does not match is warned about once per file. */
function withNameFields(items: AudioItem[], pattern: RegExp, warnings: Problem[]): AudioItem[] {
  return items.map((item) => {
    const g = pattern.exec(basename(item.path))?.groups;
    if (!g) {
      warnings.push({ path: item.path, reason: `file name does not match ${pattern}; it has no group` });
      return item;
    }
    return {
      ...item,
      ...(g.group !== undefined && { group: g.group }),
      ...(g.index !== undefined && { index: Number(g.index) }),
      ...(g.fold !== undefined && { fold: Number(g.fold) }),
    };
  });
}

const hasExtension = (extensions: readonly string[]) => {
  const set = new Set(extensions.map((e) => e.toLowerCase()));
  return (name: string) => set.has(extname(name).toLowerCase());
};

async function scanFolder(root: string, extensions: readonly string[], problems: Problem[], warnings: Problem[]): Promise<AudioItem[]> {
  if (!(await isDirectory(root, problems))) return [];
  const walk = await walkFiles(root, hasExtension(extensions));
  problems.push(...walk.problems);
  const items: AudioItem[] = [];
  const perClass = new Map<string, number>();
  for (const path of walk.files) {
    const parts = relative(root, path).split(sep);
    if (parts.length < 2) {
      warnings.push({ path, reason: 'file is not inside a class folder; ignored' });
      continue;
    }
    const label = parts[0]!.normalize('NFC');
    perClass.set(label, (perClass.get(label) ?? 0) + 1);
    items.push({ path, label });
  }
  for (const rel of walk.dirs.keys()) {
    if (rel === '' || rel.includes(sep)) continue;
    if (!perClass.has(rel.normalize('NFC'))) problems.push({ path: join(root, rel), reason: 'empty class folder: no audio files' });
  }
  return items;
}

async function scanFilenames(root: string, pattern: RegExp, extensions: readonly string[], problems: Problem[]): Promise<AudioItem[]> {
  if (!(await isDirectory(root, problems))) return [];
  const walk = await walkFiles(root, hasExtension(extensions));
  problems.push(...walk.problems);
  const items: AudioItem[] = [];
  for (const path of walk.files) {
    const match = pattern.exec(basename(path));
    const g = match?.groups;
    if (!g?.label) {
      problems.push({ path, reason: `file name does not match ${pattern}` });
      continue;
    }
    const item: AudioItem = { path, label: g.label };
    if (g.group !== undefined) item.group = g.group;
    if (g.index !== undefined) item.index = Number(g.index);
    if (g.fold !== undefined) item.fold = Number(g.fold);
    items.push(item);
  }
  return items;
}

async function scanCsv(source: Extract<DatasetSource, { kind: 'csv' }>, problems: Problem[]): Promise<AudioItem[]> {
  const manifest = isAbsolute(source.manifest) ? source.manifest : join(source.root, source.manifest);
  const audioDir = source.audioDir === undefined ? source.root : isAbsolute(source.audioDir) ? source.audioDir : join(source.root, source.audioDir);
  let text: string;
  try {
    text = await readFile(manifest, 'utf8');
  } catch (e) {
    problems.push({ path: manifest, reason: describeFsError(e, 'cannot read manifest') });
    return [];
  }
  let table: string[][];
  try {
    table = parseCsv(text, manifest);
  } catch (e) {
    problems.push(toProblem(manifest, e));
    return [];
  }
  const [header, ...rows] = table;
  if (!header) {
    problems.push({ path: manifest, reason: 'manifest is empty' });
    return [];
  }
  const col = (name: string | undefined): number => (name === undefined ? -1 : header.indexOf(name));
  const { columns } = source;
  const templateColumns = source.pathTemplate ? [...source.pathTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!) : [];
  const pathColumns = source.pathTemplate ? templateColumns : [columns.path];
  const missing = [...pathColumns, columns.label, columns.fold, columns.group].filter((c): c is string => c !== undefined && col(c) < 0);
  if (missing.length > 0) {
    problems.push({ path: manifest, reason: `manifest has no column ${missing.map((m) => `'${m}'`).join(', ')} (columns: ${header.join(', ')})` });
    return [];
  }
  const [pathCol, labelCol, foldCol, groupCol] = [col(columns.path), col(columns.label), col(columns.fold), col(columns.group)];
  const items: AudioItem[] = [];
  const seen = new Set<string>();
  const fileOf = (row: string[]): string | undefined =>
    source.pathTemplate
      ? templateColumns.some((c) => !row[col(c)]?.trim())
        ? undefined
        : source.pathTemplate.replace(/\{([^}]+)\}/g, (_, c: string) => row[col(c)]!.trim())
      : row[pathCol]?.trim();
  rows.forEach((row, r) => {
    const where = `${manifest}:${r + 2}`;
    const file = fileOf(row);
    const label = row[labelCol]?.trim();
    if (!file || !label) {
      problems.push({ path: where, reason: `row has no ${!file ? `'${columns.path}'` : `'${columns.label}'`}` });
      return;
    }
    const path = isAbsolute(file) ? file : join(audioDir, file);
    if (seen.has(path)) {
      problems.push({ path, reason: `listed twice in manifest (row ${r + 2})` });
      return;
    }
    seen.add(path);
    const item: AudioItem = { path, label };
    if (foldCol >= 0) {
      const fold = Number(row[foldCol]);
      if (!Number.isInteger(fold)) {
        problems.push({ path: where, reason: `fold '${row[foldCol]}' is not an integer` });
        return;
      }
      item.fold = fold;
    }
    if (groupCol >= 0 && row[groupCol]) item.group = row[groupCol]!.trim();
    items.push(item);
  });
  return items;
}

async function scanPreset(source: Extract<DatasetSource, { kind: 'preset' }>, problems: Problem[]): Promise<AudioItem[]> {
  if (source.download) {
    const marker = source.preset === 'fsdd' ? null : PRESET_MANIFESTS[source.preset].manifest;
    await ensureDownloaded(source.root, source.download, marker);
  }
  if (source.preset === 'fsdd') {
    const recordings = join(source.root, 'recordings');
    const root = (await isDirectory(recordings, [])) ? recordings : source.root;
    return scanFilenames(root, FSDD_PATTERN, ['.wav'], problems);
  }
  return scanCsv({ kind: 'csv', root: source.root, ...PRESET_MANIFESTS[source.preset] }, problems);
}

/** Where the CSV presets keep their manifest and audio, and which columns say what. */
const PRESET_MANIFESTS: Record<Exclude<DatasetPreset, 'fsdd'>, Omit<Extract<DatasetSource, { kind: 'csv' }>, 'kind' | 'root'>> = {
  esc50: {
    manifest: join('meta', 'esc50.csv'),
    audioDir: 'audio',
    columns: { path: 'filename', label: 'category', fold: 'fold', group: 'src_file' },
  },
  // audio/fold<N>/<slice_file_name>; fsID is the source recording, whose slices share a fold.
  urbansound8k: {
    manifest: join('metadata', 'UrbanSound8K.csv'),
    audioDir: 'audio',
    columns: { path: 'slice_file_name', label: 'class', fold: 'fold', group: 'fsID' },
    pathTemplate: 'fold{fold}/{slice_file_name}',
  },
};

async function isDirectory(path: string, problems: Problem[]): Promise<boolean> {
  try {
    if ((await stat(path)).isDirectory()) return true;
    problems.push({ path, reason: 'not a directory' });
  } catch (e) {
    problems.push({ path, reason: describeFsError(e, 'cannot open dataset folder') });
  }
  return false;
}

async function checkReadable(items: readonly AudioItem[], problems: Problem[]): Promise<void> {
  for (const item of items) {
    try {
      await access(item.path, constants.R_OK);
    } catch (e) {
      problems.push({ path: item.path, reason: describeFsError(e, 'cannot read file') });
    }
  }
}
