import { CsvError, parse, type Options } from 'csv-parse/sync';
import { AudioInputError } from '../problems.js';

const OPTIONS: Options = {
  bom: true,
  // Any of the three line ends, even mixed in one file (csv-parse would otherwise keep the first one it sees).
  record_delimiter: ['\r\n', '\n', '\r'],
  // Short or long rows are the caller's to report (scanCsv names the row and the missing column).
  relax_column_count: true,
  // Blank lines carry no row. Without this, csv-parse builds an error object for each one (relaxed
  // column count) and a file with a blank line between rows parses ~11× slower.
  skip_empty_lines: true,
};

/**
 * Parses RFC 4180 CSV with csv-parse: quoted fields with commas, line breaks and `""` escapes; CRLF,
 * LF or CR line ends; a UTF-8 BOM. Returns rows of cells; blank lines give no row. Malformed quoting
 * throws an AudioInputError whose path is `source:line`.
 */
export function parseCsv(text: string, source = 'CSV'): string[][] {
  let rows: string[][];
  try {
    rows = parse(text, OPTIONS);
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new AudioInputError(`${source}:${openingLine(text)}`, 'Quote Not Closed: the row starting on this line has a quoted field with no closing quote');
    }
    throw new AudioInputError(`${source}:${Number(e.lines)}`, e.message.replace(/ at line \d+/, ''));
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === '')); // a line holding only `""` is blank too
}

/** Line of the record whose quote is never closed (csv-parse reports the end of the text). */
function openingLine(text: string): number {
  let lastRecordEnd = 0;
  try {
    parse(text, { ...OPTIONS, on_record: (record, context) => ((lastRecordEnd = context.lines), record) });
  } catch {
    // the same error again: only the records before it were needed
  }
  const lines = text.split(/\r\n|\n|\r/);
  let line = lastRecordEnd;
  while (lines[line] === '') line++;
  return line + 1;
}
