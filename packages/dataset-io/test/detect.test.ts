import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseDuration, detectLayout, scanDataset } from '../src/index.js';
import { FSDD_DIR, SHARED, encodeWav, sine } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'dsio-detect-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a short real WAV at each relative path under a new folder. */
function folder(name: string, files: string[], extra: Record<string, string> = {}): string {
  const root = join(scratch, name);
  for (const [i, file] of files.entries()) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), encodeWav([sine(800, 8000, 200 + 50 * i)], 8000, 's16'));
  }
  for (const [file, text] of Object.entries(extra)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('detectLayout', () => {
  it('finds one folder per class', async () => {
    const root = folder('classes', ['yes/a.wav', 'yes/b.wav', 'no/a.wav', 'no/b.wav', 'maybe/c.wav']);
    const guess = await detectLayout(root);
    expect(guess.source).toEqual({ kind: 'folder', root });
    expect(guess.description).toBe('one folder per class: 3 folders hold 5 of 5 audio files');
  });

  it('reads labels, groups and indices from FSDD-style names, and a plain label prefix', async () => {
    const fsdd = folder('fsdd-like', ['0_ann_0.wav', '0_ann_1.wav', '0_bob_0.wav', '1_ann_0.wav', '1_bob_0.wav', '1_bob_1.wav']);
    const guess = await detectLayout(fsdd);
    expect(guess.source).toMatchObject({ kind: 'filename', root: fsdd });
    const scanned = await scanDataset(guess.source!);
    expect(scanned.classes).toEqual(['0', '1']);
    expect(scanned.items.find((i) => i.path.endsWith('1_bob_1.wav'))).toMatchObject({ label: '1', group: 'bob', index: 1 });

    const prefixed = folder('prefixed', ['dog-001.wav', 'dog-002.wav', 'cat-001.wav', 'cat-007.wav', 'cow_3.wav', 'cow_4.wav']);
    const byPrefix = await detectLayout(prefixed);
    expect(byPrefix.source?.kind).toBe('filename');
    expect((await scanDataset(byPrefix.source!)).classes).toEqual(['cat', 'cow', 'dog']);
  });

  it('prefers a CSV manifest whose rows name existing files, with folds and groups', async () => {
    const csv = 'slice,fold,category,speaker\n' + ['a/1.wav,1,up,s1', 'a/2.wav,1,down,s2', 'b/3.wav,2,up,s3', 'b/4.wav,2,down,s1'].join('\n') + '\n';
    const root = folder('manifest', ['audio/a/1.wav', 'audio/a/2.wav', 'audio/b/3.wav', 'audio/b/4.wav'], {
      'meta/labels.csv': csv.replace('slice,', 'file,'),
      'notes.csv': 'x,y\n1,2\n', // a CSV that names no files is passed over
    });
    const guess = await detectLayout(root);
    expect(guess.source).toEqual({
      kind: 'csv',
      root,
      manifest: join('meta', 'labels.csv'),
      audioDir: 'audio',
      columns: { path: 'file', label: 'category', fold: 'fold', group: 'speaker' },
    });
    const scanned = await scanDataset(guess.source!);
    expect(scanned.items.map((i) => [i.label, i.fold, i.group])).toEqual([
      ['up', 1, 's1'],
      ['down', 1, 's2'],
      ['up', 2, 's3'],
      ['down', 2, 's1'],
    ]);
  });

  it('says when no labels can be found, and when there is no audio', async () => {
    const unlabelled = folder('unlabelled', ['take.wav', 'recording.wav', 'x.wav']);
    expect(await detectLayout(unlabelled)).toEqual({
      source: null,
      description: '3 audio files, but no labels found: no CSV manifest naming them, no class folders, no label in the file names',
    });
    const empty = folder('empty', [], { 'readme.txt': 'nothing here' });
    expect((await detectLayout(empty)).source).toBeNull();
  });

  it.skipIf(!existsSync(FSDD_DIR))('recognises the real FSDD recordings and UrbanSound8K folds 1–2', async () => {
    const fsdd = await detectLayout(FSDD_DIR);
    expect(fsdd.description).toMatch(/^labels in file names \({label}_{group}_{index}\.wav\): 10 classes in 3000 of 3000 files$/);
    const us8k = join(SHARED, 'datasets', 'us8k-dev');
    expect((await detectLayout(us8k)).source).toMatchObject({
      kind: 'csv',
      manifest: 'metadata.csv',
      audioDir: 'audio',
      columns: { path: 'path', label: 'class', fold: 'fold', group: 'fsID' },
    });
  });
});

describe('chooseDuration', () => {
  it('keeps a shared length, else takes the 95th percentile rounded up to 0.1 s', () => {
    expect(chooseDuration([4, 4.004, 3.998])).toEqual({ seconds: 4.004, reason: 'every clip is 4.004 s long' });
    const spoken = Array.from({ length: 100 }, (_, i) => 0.4 + i * 0.01); // 0.40 … 1.39 s
    const choice = chooseDuration(spoken);
    expect(choice.seconds).toBe(1.4);
    expect(choice.reason).toMatch(/^95% of clips are at most 1\.340 s \(clips 0\.40–1\.39 s\); 0 of 100 longer clips are cropped/);
    const outlier = [...Array.from({ length: 99 }, () => 0.5), 30];
    expect(chooseDuration(outlier).seconds).toBe(0.5);
    expect(chooseDuration(outlier).reason).toContain('1 of 100 longer clips are cropped');
    expect(() => chooseDuration([0, Number.NaN])).toThrow(/no clip has a positive duration/);
  });
});
