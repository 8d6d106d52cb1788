import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, presetSplit, scanDataset, splitItems } from '../src/index.js';
import { encodeWav, FSDD_DIR, sine } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'dsio-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const wav = (f: number) => encodeWav([sine(800, 8000, f)], 8000, 's16');

describe.skipIf(!existsSync(FSDD_DIR))('FSDD preset on the real dataset', () => {
  it('labels 3000 files by digit, groups by speaker, and the official split puts index 0–4 in test', async () => {
    const scan = await scanDataset({ kind: 'preset', preset: 'fsdd', root: join(FSDD_DIR, '..') });
    expect(scan.problems).toEqual([]);
    expect(scan.items).toHaveLength(3000);
    expect(scan.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const george0 = scan.items.find((i) => i.path.endsWith('/0_george_0.wav'))!;
    expect(george0).toMatchObject({ label: '0', group: 'george', index: 0 });
    const { test, train } = splitItems(scan.items, presetSplit('fsdd'), 0).splits[0]!;
    expect(test).toHaveLength(300); // 6 speakers × 10 digits × indices 0–4
    expect(train).toHaveLength(2700);
    expect(test.every((i) => i.index! <= 4)).toBe(true);
  });
});

describe('filename source', () => {
  it('takes label, group and index from named groups and reports names that do not match', async () => {
    const root = join(tmp, 'names');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'dog-alice-3.wav'), wav(300));
    writeFileSync(join(root, 'sub', 'cat-bob-12.wav'), wav(400));
    writeFileSync(join(root, 'README.wav'), wav(500));
    const scan = await scanDataset({ kind: 'filename', root, pattern: '^(?<label>[a-z]+)-(?<group>[a-z]+)-(?<index>\\d+)\\.wav$' });
    expect(scan.items.map(({ label, group, index }) => ({ label, group, index }))).toEqual([
      { label: 'dog', group: 'alice', index: 3 },
      { label: 'cat', group: 'bob', index: 12 },
    ]);
    expect(scan.problems).toEqual([{ path: join(root, 'README.wav'), reason: expect.stringMatching(/does not match/) }]);
    await expect(scanDataset({ kind: 'filename', root, pattern: '(?<x>.*)' })).rejects.toThrow(/named group \(\?<label>/);
  });
});

describe('ESC-50-shaped preset (audio/*.wav + meta/esc50.csv)', () => {
  it('labels by category, groups by src_file, 5 folds for cross-validation; missing files are problems', async () => {
    const root = join(tmp, 'esc50');
    mkdirSync(join(root, 'audio'), { recursive: true });
    mkdirSync(join(root, 'meta'));
    const rows = ['filename,fold,target,category,esc10,src_file,take'];
    let n = 0;
    for (let fold = 1; fold <= 5; fold++)
      for (const [target, category] of [[0, 'dog'], [1, 'rooster'], [2, 'pouring water']] as const)
        for (const take of ['A', 'B']) {
          const src = 100 + n++;
          const file = `${fold}-${src}-${take}-${target}.wav`;
          writeFileSync(join(root, 'audio', file), wav(200 + n * 10));
          rows.push(`${file},${fold},${target},${category.includes(' ') ? `"${category}"` : category},False,${src},${take}`);
        }
    rows.push('5-999-A-0.wav,5,0,dog,False,999,A'); // listed, but not on disk
    writeFileSync(join(root, 'meta', 'esc50.csv'), rows.join('\r\n') + '\r\n');
    const scan = await scanDataset({ kind: 'preset', preset: 'esc50', root });
    expect(scan.items).toHaveLength(30);
    expect(scan.classes).toEqual(['dog', 'pouring water', 'rooster']);
    expect(scan.items[0]).toMatchObject({ label: 'dog', fold: 1, group: '100' });
    expect(scan.problems).toEqual([{ path: join(root, 'audio', '5-999-A-0.wav'), reason: expect.stringMatching(/cannot read file \(ENOENT\)/) }]);
    const { splits } = splitItems(scan.items, presetSplit('esc50'), 0);
    expect(splits).toHaveLength(5);
    expect(splits.every((s) => s.test.length === 6 && s.train.length === 24)).toBe(true);
  });

  it('a manifest without the configured columns is one clear problem', async () => {
    const root = join(tmp, 'badcsv');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'm.csv'), 'file,cls\na.wav,x\n');
    const scan = await scanDataset({ kind: 'csv', root, manifest: 'm.csv', columns: { path: 'path', label: 'cls', fold: 'fold' } });
    expect(scan.items).toEqual([]);
    expect(scan.problems).toEqual([{ path: join(root, 'm.csv'), reason: "manifest has no column 'path', 'fold' (columns: file, cls)" }]);
  });
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, commas and newlines in fields, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, ""y""","line\nbreak"\r\n\r\nlast,')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line\nbreak'],
      ['last', ''],
    ]);
  });

  it('takes LF, CRLF and CR line ends mixed in one file, skips blank lines and keeps short or long rows', () => {
    expect(parseCsv('a,b\nc,d\r\ne,f\rg\n\n""\n \n1,2,3\n')).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f'], ['g'], [' '], ['1', '2', '3']]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\ufeff')).toEqual([]);
  });

  it('malformed quoting throws an AudioInputError naming the file and line (it used to be read silently, garbled)', () => {
    const caught = (text: string): unknown => {
      try {
        parseCsv(text, 'meta.csv');
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(caught('a,b\r\n"x\ny",1\r\n\r\nc,"open\nmore\n')).toMatchObject({
      name: 'AudioInputError',
      path: 'meta.csv:5',
      message: expect.stringMatching(/^meta\.csv:5: Quote Not Closed/),
    });
    expect(caught('a,b\nx"y,z\n')).toMatchObject({ path: 'meta.csv:2', reason: expect.stringMatching(/^Invalid Opening Quote/) });
    expect(caught('a,b\nc,d\n"x"y,z\n')).toMatchObject({ path: 'meta.csv:3', reason: expect.stringMatching(/^Invalid Closing Quote/) });
    expect(() => parseCsv('"a')).toThrow(/^CSV:1: Quote Not Closed/);
  });

  it('scanDataset reports a malformed manifest as one problem at its line, without throwing', async () => {
    const root = join(tmp, 'malformed-csv');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'm.csv'), 'path,label\na.wav,x\n"b.wav,y\n');
    const scan = await scanDataset({ kind: 'csv', root, manifest: 'm.csv', columns: { path: 'path', label: 'label' } });
    expect(scan.items).toEqual([]);
    expect(scan.problems).toEqual([{ path: `${join(root, 'm.csv')}:3`, reason: expect.stringMatching(/^Quote Not Closed/) }]);
  });
});

describe('folder source', () => {
  it('a missing root is a problem, not a throw', async () => {
    const scan = await scanDataset({ kind: 'folder', root: join(tmp, 'nope') });
    expect(scan.items).toEqual([]);
    expect(scan.problems[0]!.reason).toMatch(/cannot open dataset folder \(ENOENT\)/);
  });
});
