import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { AudioInputError } from '../problems.js';
import { PATH_COLUMNS, pickColumn } from './columns.js';
import { parseCsv } from './csv.js';

/**
 * The files a split list names, as absolute paths: one path per line relative to `root` (Speech
 * Commands' testing_list.txt), or a CSV whose path column (path, file, filename, …) names them.
 */
export async function readSplitList(file: string, root: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AudioInputError(file, `cannot read split list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const absolute = (p: string) => (isAbsolute(p) ? p : join(root, p));
  if (extname(file).toLowerCase() !== '.csv') {
    return new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map(absolute));
  }
  const [header, ...rows] = parseCsv(text, file);
  const column = header && pickColumn(header, PATH_COLUMNS);
  if (!header || !column) throw new AudioInputError(file, `split list has no path column (one of ${PATH_COLUMNS.join(', ')})`);
  const at = header.indexOf(column);
  return new Set(rows.map((row) => row[at]?.trim()).filter((p): p is string => Boolean(p)).map(absolute));
}
