// `inspect`: the scan report of a folder whose layout earshot detects, without training.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import type { Inspection } from '../src/commands/inspect.js';
import { writeToneDataset } from './helpers.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'earshot-inspect-'));
  await writeToneDataset(join(work, 'data'), 4, 0.5);
  await writeFile(join(work, 'data', 'high', 'broken.wav'), 'RIFF but not really a wav file');
  await copyFile(join(work, 'data', 'low', 'low-0.wav'), join(work, 'data', 'noise', 'mislabelled.wav'));
  await mkdir(join(work, 'loose'));
  for (const name of ['take-one.wav', 'take-two.wav']) await copyFile(join(work, 'data', 'low', 'low-1.wav'), join(work, 'loose', name));
});
afterAll(() => rm(work, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function capture(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true));
  return { code: await main(args), ...out };
}

describe('inspect', () => {
  it('detects the class folders and reports classes, bad files, duplicates across classes and the duration it would choose', async () => {
    const text = await capture(['inspect', join(work, 'data')]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Layout: one folder per class: 3 folders hold 14 of 14 audio files');
    expect(text.stdout).toContain('Scan: 14 files, 13 usable, 1 problem(s), 3 classes');
    expect(text.stdout).toMatch(/broken\.wav: /);
    expect(text.stdout).toContain('ACROSS CLASSES (low, noise)');
    expect(text.stdout).toMatch(/^Duration for audio\.duration auto: \d\.\d s \(95% of clips are at most/m);

    const json = await capture(['inspect', join(work, 'data'), '--json']);
    const inspection = JSON.parse(json.stdout) as Inspection;
    expect(inspection.layout.source).toEqual({ kind: 'folder', root: join(work, 'data') });
    expect(inspection.report.classCounts).toEqual({ high: 4, low: 4, noise: 5 });
    expect(inspection.report.duplicates).toEqual([expect.objectContaining({ labels: ['low', 'noise'], acrossClasses: true })]);
    // writeToneDataset draws lengths in 0.35–0.65 s.
    expect(inspection.duration.seconds).toBeGreaterThanOrEqual(0.4);
    expect(inspection.duration.seconds).toBeLessThanOrEqual(0.7);
  });

  it('says plainly when a folder has no labels or does not exist', async () => {
    const unlabelled = await capture(['inspect', join(work, 'loose')]);
    expect(unlabelled.code).toBe(1);
    expect(unlabelled.stderr).toMatch(/^error: inspect: .*loose: 2 audio files, but no labels found: .* add a CSV manifest with path and label columns\.\n$/);
    const missing = await capture(['inspect', join(work, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: inspect: ${join(work, 'nowhere')}: no such file or folder\n`);
  });
});
