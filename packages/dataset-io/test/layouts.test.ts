import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSplitList, scanDataset, splitItems } from '../src/index.js';
import { encodeWav, sine } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'dsio-layouts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(root: string, files: Record<string, string | null>): string {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text ?? encodeWav([sine(400, 8000, 300)], 8000, 's16'));
  }
  return root;
}

describe('folder labels with groups from the file names', () => {
  it('takes the label from the folder and the speaker from the name, so a group split keeps speakers apart', async () => {
    const root = write(join(scratch, 'words'), {
      'yes/ann_1.wav': null,
      'yes/ann_2.wav': null,
      'yes/bob_1.wav': null,
      'no/ann_3.wav': null,
      'no/bob_2.wav': null,
      'no/cid_1.wav': null,
      'no/untagged.wav': null,
    });
    const scan = await scanDataset({ kind: 'folder', root, pattern: '^(?<group>[a-z]+)_(?<index>\\d+)\\.wav$' });
    expect(scan.items.map((i) => [i.label, i.group, i.index])).toEqual([
      ['no', 'ann', 3],
      ['no', 'bob', 2],
      ['no', 'cid', 1],
      ['no', undefined, undefined],
      ['yes', 'ann', 1],
      ['yes', 'ann', 2],
      ['yes', 'bob', 1],
    ]);
    expect(scan.warnings).toEqual([{ path: join(root, 'no', 'untagged.wav'), reason: expect.stringMatching(/does not match .* it has no group/) }]);
    const [split] = splitItems(scan.items, { kind: 'group', test: 0.3 }, 0).splits;
    const groups = (items: { group?: string }[]) => new Set(items.map((i) => i.group).filter(Boolean));
    for (const g of groups(split!.test)) expect(groups(split!.train).has(g)).toBe(false);
    await expect(scanDataset({ kind: 'folder', root, pattern: '^(?<who>[a-z]+)_' })).rejects.toThrow(/must have a named group \(\?<group>…\)/);
  });
});

describe('UrbanSound8K preset', () => {
  it('reads metadata/UrbanSound8K.csv, with audio/fold<N>/<slice_file_name>, folds and source recordings', async () => {
    const csv = [
      'slice_file_name,fsID,start,end,salience,fold,classID,class',
      '100032-3-0-0.wav,100032,0,0.3,1,5,3,dog_bark',
      '100263-2-0-117.wav,100263,58.5,62.5,1,5,2,children_playing',
      '102305-6-0-0.wav,102305,0,2.6,1,1,6,gun_shot',
      ',1,0,1,1,1,0,air_conditioner',
    ].join('\n');
    const root = write(join(scratch, 'UrbanSound8K'), {
      'metadata/UrbanSound8K.csv': csv,
      'audio/fold5/100032-3-0-0.wav': null,
      'audio/fold5/100263-2-0-117.wav': null,
      'audio/fold1/102305-6-0-0.wav': null,
    });
    const scan = await scanDataset({ kind: 'preset', preset: 'urbansound8k', root });
    expect(scan.items).toEqual([
      { path: join(root, 'audio', 'fold5', '100032-3-0-0.wav'), label: 'dog_bark', fold: 5, group: '100032' },
      { path: join(root, 'audio', 'fold5', '100263-2-0-117.wav'), label: 'children_playing', fold: 5, group: '100263' },
      { path: join(root, 'audio', 'fold1', '102305-6-0-0.wav'), label: 'gun_shot', fold: 1, group: '102305' },
    ]);
    expect(scan.problems).toEqual([{ path: `${join(root, 'metadata', 'UrbanSound8K.csv')}:5`, reason: "row has no 'slice_file_name'" }]);
  });
});

describe('split lists', () => {
  it('reads Speech Commands-style lists and CSVs, and puts exactly the listed files in test and validation', async () => {
    const root = write(join(scratch, 'commands'), {
      'up/a.wav': null,
      'up/b.wav': null,
      'up/c.wav': null,
      'down/a.wav': null,
      'down/b.wav': null,
      'down/c.wav': null,
      'testing_list.txt': 'up/a.wav\r\ndown/a.wav\n\n',
      'validation.csv': 'file,note\nup/b.wav,x\n',
    });
    const scan = await scanDataset({ kind: 'folder', root });
    const testPaths = await readSplitList(join(root, 'testing_list.txt'), root);
    const validationPaths = await readSplitList(join(root, 'validation.csv'), root);
    expect([...testPaths]).toEqual([join(root, 'up/a.wav'), join(root, 'down/a.wav')]);
    const [split] = splitItems(scan.items, { kind: 'lists', testPaths, validationPaths }, 0).splits;
    const rel = (items: { path: string }[]) => items.map((i) => i.path.slice(root.length + 1)).sort();
    expect(rel(split!.test)).toEqual(['down/a.wav', 'up/a.wav']);
    expect(rel(split!.validation)).toEqual(['up/b.wav']);
    expect(rel(split!.train)).toEqual(['down/b.wav', 'down/c.wav', 'up/c.wav']);
    await expect(readSplitList(join(root, 'missing.txt'), root)).rejects.toThrow(/missing\.txt.*cannot read split list \(ENOENT\)/);
    writeFileSync(join(root, 'bad.csv'), 'a,b\n1,2\n');
    await expect(readSplitList(join(root, 'bad.csv'), root)).rejects.toThrow(/split list has no path column/);
  });
});
