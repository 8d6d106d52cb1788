import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asSpaceError, formatBytes, OutOfSpaceError, removeStaleTemps, writeDirAtomic, writeFileAtomic } from '../src/atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'earshot-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic writes', () => {
  it('writeFileAtomic replaces a file and leaves no temporary', async () => {
    await writeFileAtomic(join(dir, 'a.json'), 'one');
    await writeFileAtomic(join(dir, 'a.json'), 'two');
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('writeDirAtomic creates, then replaces, a whole directory', async () => {
    await writeDirAtomic(join(dir, 'epoch-0001'), { 'x.bin': new Uint8Array([1, 2]), 'y.txt': 'y' });
    await writeDirAtomic(join(dir, 'epoch-0001'), { 'x.bin': new Uint8Array([3]) });
    expect(await readdir(join(dir, 'epoch-0001'))).toEqual(['x.bin']);
    expect([...(await readFile(join(dir, 'epoch-0001', 'x.bin')))]).toEqual([3]);
    expect(await readdir(dir)).toEqual(['epoch-0001']);
  });

  it('a failed write removes its temporary and throws the original error', async () => {
    await mkdir(join(dir, 'd', 'inside'), { recursive: true }); // rename of a file onto a non-empty directory fails
    await expect(writeFileAtomic(join(dir, 'd'), 'new')).rejects.toMatchObject({ code: expect.stringMatching(/^E(ISDIR|NOTEMPTY|EXIST)$/) });
    expect(await readdir(dir)).toEqual(['d']);
  });

  it('removeStaleTemps deletes only the temporaries of processes no longer running', async () => {
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default range: not running
    await writeFile(join(dir, `a.json.tmp-${dead}`), '');
    await mkdir(join(dir, `epoch-0002.tmp-${dead}`));
    await writeFile(join(dir, `b.json.tmp-${process.pid}`), '');
    await writeFile(join(dir, 'keep.json'), '');
    await removeStaleTemps(dir);
    expect((await readdir(dir)).sort()).toEqual([`b.json.tmp-${process.pid}`, 'keep.json']);
  });

  it('ENOSPC and EIO become OutOfSpaceError with the directory, needed and free; other errors pass through', async () => {
    const full = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    const error = await asSpaceError(full, dir, 5_800_000);
    expect(error).toBeInstanceOf(OutOfSpaceError);
    expect((error as OutOfSpaceError).message).toMatch(new RegExp(`^disk full writing ${dir}: needed ~5\\.8 MB, [\\d.]+ (MB|KB) free$`));
    const io = await asSpaceError(Object.assign(new Error('io'), { code: 'EIO' }), dir, 10);
    expect((io as OutOfSpaceError).message).toMatch(/^I\/O error \(EIO\) writing .*: needed ~1 KB/);
    const other = Object.assign(new Error('denied'), { code: 'EACCES' });
    expect(await asSpaceError(other, dir, 1)).toBe(other);
    expect(formatBytes(200_000)).toBe('0.2 MB');
  });
});
