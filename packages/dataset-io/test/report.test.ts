import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFlacStreamInfo } from '@earshot/audio';
import { buildScanReport, decodeAudio, probeAudio, renderScanReport, renderScanSummary, scanDataset, splitItems, splitManifest, type AudioProbe } from '../src/index.js';
import { encodeWav, hasCommand, sine } from './helpers.js';

const hasSox = hasCommand('sox');

const root = mkdtempSync(join(tmpdir(), 'dsio-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('scan report', () => {
  it('counts classes, histograms durations/rates/channels, lists bad files, finds duplicates across splits, warns on imbalance', async () => {
    mkdirSync(join(root, 'big'));
    mkdirSync(join(root, 'small'));
    for (let i = 0; i < 8; i++) writeFileSync(join(root, 'big', `b${i}.wav`), encodeWav([sine(8000 + i * 800, 8000, 300 + i)], 8000, 's16'));
    const stereo = sine(22050, 22050, 500);
    writeFileSync(join(root, 'small', 'stereo.wav'), encodeWav([stereo, stereo], 22050, 'f32'));
    writeFileSync(join(root, 'small', 'copy of b0.wav'), encodeWav([sine(8000, 8000, 300)], 8000, 's16'));
    writeFileSync(join(root, 'small', 'broken.wav'), 'nope');

    const scan = await scanDataset({ kind: 'folder', root });
    const probes = await Promise.all(scan.items.map((i) => probeAudio(i.path)));
    const manifest = splitManifest(splitItems(scan.items, { kind: 'rule', test: { field: 'label', op: 'in', value: ['small'] } }, 0).splits[0]!);
    const report = buildScanReport({ items: scan.items, probes, problems: scan.problems, warnings: scan.warnings, manifest });

    expect(report.files).toBe(11);
    expect(report.usable).toBe(10);
    expect(report.classCounts).toEqual({ big: 8, small: 2 });
    expect(report.sampleRates).toEqual({ '8000': 9, '22050': 1 });
    expect(report.channels).toEqual({ '1': 9, '2': 1 });
    expect(report.durations.min).toBe(1);
    expect(report.durations.max).toBeCloseTo(1.7, 10);
    expect(report.durations.histogram.reduce((s, b) => s + b.count, 0)).toBe(10);
    expect(report.problems).toEqual([{ path: join(root, 'small', 'broken.wav'), reason: expect.stringMatching(/not a recognised audio format/) }]);
    expect(report.duplicates).toHaveLength(1);
    expect(report.duplicates[0]).toMatchObject({
      paths: [join(root, 'big', 'b0.wav'), join(root, 'small', 'copy of b0.wav')],
      acrossSplits: true,
      labels: ['big', 'small'],
      acrossClasses: true,
    });
    expect(report.imbalanceRatio).toBe(4);
    expect(report.imbalanceWarning).toMatch(/4\.0×/);

    const text = renderScanReport(report);
    expect(text).toContain('Scan: 11 files, 10 usable, 1 problem(s), 2 classes');
    expect(text).toContain('Duplicate files (same content): 1 set(s), 1 with different labels');
    expect(text).toContain('ACROSS CLASSES (big, small) ACROSS SPLITS');
    expect(text).toContain(`${join(root, 'small', 'broken.wav')}: not a recognised audio format`);
    expect(text).toContain('WARNING: class imbalance');

    expect(renderScanSummary(report)).toBe(
      [
        'Scan: 11 files, 10 usable, 1 problem(s), 2 classes (big 8, small 2)',
        '  durations 1.00–1.70 s (mean 1.28); 8000 Hz, 22050 Hz; mono, 2 channels',
        `  WARNING: ${report.imbalanceWarning}`,
        '  1 set(s) of duplicate files, 1 with different labels',
        '',
      ].join('\n'),
    );
  });

  it.skipIf(!hasSox)('probes a FLAC from its STREAMINFO and matches a full decode; a damaged header falls back to decoding', async () => {
    const wav = join(root, 'for-flac.wav');
    writeFileSync(wav, encodeWav([sine(12345, 44100, 100), sine(12345, 44100, 200)], 44100, 's24'));
    const flac = join(root, 'probe.flac');
    execFileSync('sox', [wav, flac]);
    const bytes = readFileSync(flac);
    expect(readFlacStreamInfo(bytes)).toEqual({ sampleRate: 44100, channels: 2, bitsPerSample: 24, frames: 12345 });
    const decoded = await decodeAudio(bytes, flac);
    expect(await probeAudio(flac)).toMatchObject({ durationSec: decoded.channels[0]!.length / 44100, sampleRate: 44100, channels: 2 });

    const damaged = join(root, 'damaged.flac');
    writeFileSync(damaged, Buffer.concat([bytes.subarray(0, 30)]));
    expect(readFlacStreamInfo(readFileSync(damaged))).toBeUndefined();
    expect(await probeAudio(damaged)).toMatchObject({ path: damaged, reason: expect.any(String) });
  });

  it('probes a WAV from its header alone (duration, rate, channels) and matches a full decode', async () => {
    const path = join(root, 'probe.wav');
    writeFileSync(path, encodeWav([sine(12345, 16000, 100), sine(12345, 16000, 200), sine(12345, 16000, 300)], 16000, 's24', true));
    const probe = (await probeAudio(path)) as AudioProbe;
    expect(probe).toMatchObject({ durationSec: 12345 / 16000, sampleRate: 16000, channels: 3 });
    expect(probe.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
