import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioInputError, applyErrorPolicy, isProblem, loadAudio, probeAudio, scanDataset, toProblem, type Problem } from '../src/index.js';
import { encodeWav, riffWithTag, sine } from './helpers.js';

/** A class-per-folder dataset holding every kind of bad input the pipeline must survive. */
const root = mkdtempSync(join(tmpdir(), 'dsio-malformed-'));
const good = (freq: number) => encodeWav([sine(4000, 8000, freq)], 8000, 's16');

/** file (relative to root) → expected reason pattern */
const bad: Record<string, RegExp> = {};
const add = (rel: string, bytes: Uint8Array | string, reason: RegExp) => {
  writeFileSync(join(root, rel), bytes);
  bad[join(root, rel)] = reason;
};

beforeAll(() => {
  for (const d of ['dog', 'cat', 'empty class', 'solo', 'clásé ñ 🎵']) mkdirSync(join(root, d));
  writeFileSync(join(root, 'dog', 'ok 1.wav'), good(300));
  writeFileSync(join(root, 'dog', 'ok 2.wav'), good(350));
  writeFileSync(join(root, 'cat', 'ok.wav'), good(500));
  writeFileSync(join(root, 'cat', 'ok copy.wav'), good(500)); // duplicate content
  writeFileSync(join(root, 'solo', 'only one.wav'), good(700));
  writeFileSync(join(root, 'clásé ñ 🎵', 'ünïcødé 名前 with spaces.wav'), good(900));
  writeFileSync(join(root, 'clásé ñ 🎵', 'second.wav'), good(950));

  const full = good(400);
  add(join('dog', 'truncated.wav'), full.subarray(0, 3000), /truncated WAV: header declares 8000 bytes .* holds 2956/);
  add(join('dog', 'zero.wav'), new Uint8Array(0), /empty file \(0 bytes\)/);
  const lying = full.slice();
  new DataView(lying.buffer).setUint32(40, 80_000, true);
  add(join('dog', 'lying header.wav'), lying, /truncated WAV: header declares 80000 bytes/);
  add(join('dog', 'notes.wav'), 'this is a text file, not audio\n', /not a recognised audio format/);
  add(join('cat', 'mp3 in riff.wav'), riffWithTag(0x55, new Uint8Array(400).fill(0xff)), /no audio decoded/); // an MP3 payload that is not MP3
  add(join('cat', 'empty.mp3'), new Uint8Array(0), /empty file \(0 bytes\)/);
  const nan = sine(800, 8000, 440);
  nan[123] = Number.NaN;
  add(join('cat', 'nan.wav'), encodeWav([nan], 8000, 'f32'), /non-finite sample \(NaN\) at frame 123/);
  const inf = sine(800, 8000, 440);
  inf[7] = Number.POSITIVE_INFINITY;
  add(join('cat', 'inf.wav'), encodeWav([inf], 8000, 'f64'), /non-finite sample \(Infinity\) at frame 7/);
  add(join('cat', 'odd codec.wav'), riffWithTag(0x1234, new Uint8Array(400)), /Unsupported WAV format: 0x1234/);
  add(join('cat', 'monkey.ape'), Buffer.concat([Buffer.from('MAC '), Buffer.alloc(400, 1)]), /unsupported codec: no decoder for 'ape'/);
  // Entries that cannot be read: a dangling symlink, a self-referencing one, and a directory loop.
  symlinkSync(join(root, 'dog', 'gone-target.wav'), join(root, 'dog', 'dangling.wav'));
  bad[join(root, 'dog', 'dangling.wav')] = /broken symlink \(ENOENT\)/;
  symlinkSync(join(root, 'dog', 'self.wav'), join(root, 'dog', 'self.wav'));
  bad[join(root, 'dog', 'self.wav')] = /symlink loop/;
  symlinkSync(root, join(root, 'cat', 'loop'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('malformed corpus: every bad file yields a typed problem; nothing throws or hangs', () => {
  let problems: Problem[] = [];

  it('scan + probe + load name every bad file with its reason, and keep every good one', async () => {
    const scan = await scanDataset({ kind: 'folder', root, extensions: ['.wav', '.mp3', '.ape'] });
    const probes = await Promise.all(scan.items.map((i) => probeAudio(i.path)));
    problems = [...scan.problems, ...probes.filter(isProblem)];
    for (const item of scan.items) {
      if (bad[item.path]) await expect(loadAudio(item.path)).rejects.toBeInstanceOf(AudioInputError);
      else await expect(loadAudio(item.path)).resolves.toMatchObject({ sr: 22050, nativeSr: 8000 });
    }
    for (const [path, reason] of Object.entries(bad)) {
      const found = problems.find((p) => p.path === path);
      expect(found, `no problem reported for ${path}`).toBeDefined();
      expect(found!.reason).toMatch(reason);
    }
    const goodPaths = probes.filter((p) => !isProblem(p)).map((p) => p.path);
    expect(goodPaths).toHaveLength(7);
    expect(goodPaths).toContain(join(root, 'clásé ñ 🎵', 'ünïcødé 名前 with spaces.wav'));
    expect(scan.classes).toEqual(['cat', 'clásé ñ 🎵', 'dog', 'solo']);
  });

  it('flags the empty class folder, the symlink loop, and warns on a single-file class', async () => {
    const scan = await scanDataset({ kind: 'folder', root, extensions: ['.wav'] });
    expect(scan.problems).toContainEqual({ path: join(root, 'empty class'), reason: 'empty class folder: no audio files' });
    expect(scan.problems.some((p) => p.path === join(root, 'cat', 'loop') && /symlink loop/.test(p.reason))).toBe(true);
    expect(scan.warnings).toContainEqual({ path: join(root, 'solo', 'only one.wav'), reason: "class 'solo' has a single file" });
  });

  it('an unreadable file is a problem, not a crash (as root, chmod 000 is still readable: use a missing path)', async () => {
    const probe = await probeAudio(join(root, 'dog', 'does-not-exist.wav'));
    expect(isProblem(probe) && probe.reason).toMatch(/ENOENT/);
    await expect(loadAudio(join(root, 'dog', 'does-not-exist.wav'))).rejects.toThrow(/cannot read file \(ENOENT\)/);
  });

  it("applyErrorPolicy: 'skip' returns the problems, 'fail' throws naming the first file", () => {
    const list = [
      { path: '/a.wav', reason: 'empty file (0 bytes)' },
      { path: '/b.wav', reason: 'x' },
    ];
    expect(applyErrorPolicy(list, 'skip')).toEqual(list);
    expect(() => applyErrorPolicy(list, 'fail')).toThrow('/a.wav: empty file (0 bytes)');
    expect(() => applyErrorPolicy([], 'fail')).not.toThrow();
    expect(toProblem('/c.wav', new Error('boom'))).toEqual({ path: '/c.wav', reason: 'boom' });
  });
});
