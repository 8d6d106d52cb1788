import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';
import { FOLD_COLUMNS, GROUP_COLUMNS, LABEL_COLUMNS, PATH_COLUMNS, pickColumn } from './columns.js';
import { parseCsv } from './csv.js';
import { DEFAULT_AUDIO_EXTENSIONS, type DatasetSource } from './types.js';
import { walkFiles } from './walk.js';

/** How a folder of audio is labelled, as far as its files and manifests tell. */
export interface LayoutGuess {
  /** The source to scan it with, or null when no labels could be found. */
  source: Exclude<DatasetSource, { kind: 'preset' }> | null;
  /** One line: what was found and why this source. */
  description: string;
}

/** Where a manifest's relative paths may start. */
const AUDIO_DIRS = ['', 'audio', 'wav', 'wavs', 'clips', 'data', 'files'];
/** Manifest rows checked against the disk. */
const SAMPLE_ROWS = 50;
/** Share of files (or sampled rows) a layout must explain. */
const COVERAGE = 0.9;

/**
 * Filename patterns tried on audio files lying directly in the folder, most specific first. Each
 * must name a `label` group; FSDD's `{digit}_{speaker}_{index}.wav` also gives group and index.
 */
const FILENAME_PATTERNS: { pattern: string; example: string }[] = [
  { pattern: '^(?<label>[^_]+)_(?<group>.+)_(?<index>\\d+)\\.\\w+$', example: '{label}_{group}_{index}.wav' },
  { pattern: '^(?<label>[^-_.]+)[-_].+\\.\\w+$', example: '{label}-….wav or {label}_….wav' },
];

const isAudio = (name: string) => (DEFAULT_AUDIO_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());

/**
 * Guesses how `root` is labelled: a CSV manifest whose rows name the folder's files, then one
 * sub-folder per class, then a label in the file names. Reads no audio.
 */
export async function detectLayout(root: string): Promise<LayoutGuess> {
  const manifest = await findManifest(root);
  if (manifest) return manifest;

  const walk = await walkFiles(root, isAudio);
  const files = walk.files;
  if (files.length === 0) return { source: null, description: `no audio files under ${root}` };
  const inFolders = files.filter((f) => relative(root, f).includes(sep));
  const classes = new Set(inFolders.map((f) => relative(root, f).split(sep)[0]!));
  if (inFolders.length >= COVERAGE * files.length && classes.size >= 2) {
    return {
      source: { kind: 'folder', root },
      description: `one folder per class: ${classes.size} folders hold ${inFolders.length} of ${files.length} audio files`,
    };
  }

  const atRoot = files.filter((f) => !relative(root, f).includes(sep)).map((f) => basename(f));
  for (const { pattern, example } of FILENAME_PATTERNS) {
    const re = new RegExp(pattern);
    const labels = atRoot.map((name) => re.exec(name)?.groups?.label).filter((l): l is string => l !== undefined);
    const counts = countBy(labels);
    const repeated = [...counts.values()].filter((n) => n >= 2).length;
    if (labels.length >= COVERAGE * atRoot.length && repeated >= 2 && counts.size <= atRoot.length / 2) {
      return {
        source: { kind: 'filename', root, pattern },
        description: `labels in file names (${example}): ${counts.size} classes in ${labels.length} of ${atRoot.length} files`,
      };
    }
  }
  return {
    source: null,
    description: `${files.length} audio files, but no labels found: no CSV manifest naming them, no class folders, no label in the file names`,
  };
}

/** The first CSV (in the folder or its metadata/ or meta/ folder) whose rows name files that exist. */
async function findManifest(root: string): Promise<LayoutGuess | undefined> {
  for (const dir of ['', 'metadata', 'meta']) {
    let names: string[];
    try {
      names = (await readdir(join(root, dir))).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      const guess = await manifestLayout(root, file);
      if (guess) return guess;
    }
  }
  return undefined;
}

async function manifestLayout(root: string, file: string): Promise<LayoutGuess | undefined> {
  let table: string[][];
  try {
    table = parseCsv(await readFile(join(root, file), 'utf8'), join(root, file));
  } catch {
    return undefined;
  }
  const [header, ...rows] = table;
  if (!header || rows.length === 0) return undefined;
  const pick = (candidates: readonly string[]) => pickColumn(header, candidates);
  const pathColumn = pick(PATH_COLUMNS);
  const labelColumn = pick(LABEL_COLUMNS);
  if (!pathColumn || !labelColumn) return undefined;
  const paths = rows.slice(0, SAMPLE_ROWS).map((row) => row[header.indexOf(pathColumn)]?.trim() ?? '');
  for (const audioDir of AUDIO_DIRS) {
    const found = paths.filter((p) => p && existsSync(join(root, audioDir, p))).length;
    if (found < COVERAGE * paths.length) continue;
    const foldColumn = pick(FOLD_COLUMNS);
    const groupColumn = pick(GROUP_COLUMNS);
    return {
      source: {
        kind: 'csv',
        root,
        manifest: file,
        ...(audioDir && { audioDir }),
        columns: { path: pathColumn, label: labelColumn, ...(foldColumn && { fold: foldColumn }), ...(groupColumn && { group: groupColumn }) },
      },
      description:
        `CSV manifest ${file}: ${rows.length} rows, paths in '${pathColumn}'${audioDir ? ` under ${audioDir}/` : ''}, labels in '${labelColumn}'` +
        `${foldColumn ? `, folds in '${foldColumn}'` : ''}${groupColumn ? `, groups in '${groupColumn}'` : ''}`,
    };
  }
  return undefined;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
