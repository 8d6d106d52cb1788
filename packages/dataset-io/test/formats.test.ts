import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAudio, loadAudio, readWavHeader, toMono } from '../src/index.js';
import { encodeWav, hasCommand, riffWithTag, sine, type WavEncoding } from './helpers.js';

const SR = 16000;
const left = sine(1600, SR, 440, 0.6);
const right = sine(1600, SR, 1000, 0.3, 1);

/** What libsndfile returns for a sample stored as integer `q` at `bits` (u8 is offset binary). */
const expected: Record<WavEncoding, (x: number) => number> = {
  // `+ 0` turns −0 from Math.round into +0: the reader yields 0 for a zero sample.
  u8: (x) => Math.fround(Math.max(-128, Math.min(127, Math.round(x * 128))) / 128 + 0),
  s16: (x) => Math.fround(Math.max(-32768, Math.min(32767, Math.round(x * 32768))) / 32768 + 0),
  s24: (x) => Math.fround(Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608))) / 8388608 + 0),
  s32: (x) => Math.fround(Math.max(-2147483648, Math.min(2147483647, Math.round(x * 2147483648))) / 2147483648 + 0),
  f32: (x) => Math.fround(x),
  f64: (x) => Math.fround(x),
};

describe('WAV: every PCM and float encoding, plain and WAVE_FORMAT_EXTENSIBLE, scaled like libsndfile', () => {
  for (const encoding of ['u8', 's16', 's24', 's32', 'f32', 'f64'] as const) {
    for (const extensible of [false, true]) {
      it(`${encoding}${extensible ? ' extensible' : ''} stereo decodes exactly`, async () => {
        const audio = await decodeAudio(encodeWav([left, right], SR, encoding, extensible), `${encoding}.wav`);
        expect(audio.sampleRate).toBe(SR);
        expect(audio.channels).toHaveLength(2);
        expect(audio.channels[0]).toHaveLength(left.length);
        for (const [c, src] of [left, right].entries()) {
          for (let i = 0; i < src.length; i += 7) expect(audio.channels[c]![i]).toBe(expected[encoding](src[i]!));
        }
      });
    }
  }

  it('full-scale negative int16 is exactly −1 and the largest positive is 32767/32768 (not 1)', async () => {
    const audio = await decodeAudio(encodeWav([new Float32Array([-1, 32767 / 32768, 0])], SR, 's16'), 'edge.wav');
    expect(Array.from(audio.channels[0]!)).toEqual([-1, 32767 / 32768, 0]);
  });

  it('downmixes 6 channels by their float32 mean, then resamples to 22050', async () => {
    const chans = [0, 1, 2, 3, 4, 5].map((k) => sine(1600, SR, 200 + 100 * k, 0.1 + 0.05 * k));
    const bytes = encodeWav(chans, SR, 'f32', true);
    const native = await loadAudio(bytes, { sr: null });
    expect(native.channels).toBe(6);
    expect(native.sr).toBe(SR);
    for (let i = 0; i < 1600; i += 13) {
      let sum = chans[0]![i]!;
      for (let c = 1; c < 6; c++) sum = Math.fround(sum + chans[c]![i]!);
      expect(native.y[i]).toBe(Math.fround(sum / 6));
    }
    const resampled = await loadAudio(bytes);
    expect(resampled.sr).toBe(22050);
    expect(resampled.y.length).toBe(Math.ceil((1600 * 22050) / SR));
  });

  it('toMono of one channel returns it unchanged', () => {
    expect(toMono([left])).toBe(left);
  });
});

/** Compressed formats come from sox/opusenc at test time (no binary fixtures in git). */
describe.skipIf(!hasCommand('sox'))('compressed formats via audio-decode (fixtures made by sox/opusenc; skipped when sox is absent)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsio-formats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const rate = 44100;
  // Different channels: audio-decode folds identical MP3 channels into one.
  const wavPath = join(dir, 'tone.wav');
  writeFileSync(wavPath, encodeWav([sine(rate, rate, 440, 0.5), sine(rate, rate, 440, 0.5, 0.5)], rate, 's16'));

  const cases: [string, string[], string][] = [
    ['flac', ['sox', wavPath, join(dir, 'tone.flac')], 'tone.flac'],
    ['mp3', ['sox', wavPath, '-C', '192', join(dir, 'tone.mp3')], 'tone.mp3'],
    ['ogg vorbis', ['sox', wavPath, join(dir, 'tone.ogg')], 'tone.ogg'],
    ['opus', ['opusenc', '--quiet', wavPath, join(dir, 'tone.opus')], 'tone.opus'],
  ];
  it('flac 24-bit: identical to the same samples stored as 24-bit WAV (libsndfile scaling)', async () => {
    const wav24 = join(dir, 'tone24.wav');
    writeFileSync(wav24, encodeWav([sine(8000, 8000, 333, 0.9)], 8000, 's24'));
    execFileSync('sox', [wav24, join(dir, 'tone24.flac')], { stdio: 'ignore' });
    const fromWav = await loadAudio(wav24, { sr: null });
    const fromFlac = await loadAudio(join(dir, 'tone24.flac'), { sr: null });
    expect(Array.from(fromFlac.y)).toEqual(Array.from(fromWav.y));
  });

  for (const [format, command, file] of cases) {
    it.skipIf(!hasCommand(command[0]!))(`${format}: decodes a 1 s stereo 440 Hz tone`, async () => {
      execFileSync(command[0]!, command.slice(1), { stdio: 'ignore' });
      const { y, nativeSr, channels, frames } = await loadAudio(join(dir, file), { sr: null });
      expect(channels).toBe(2);
      expect([44100, 48000]).toContain(nativeSr); // opus always decodes at 48 kHz
      // Lossy codecs add priming/padding: the length is within 0.1 s of 1 s.
      expect(Math.abs(frames / nativeSr - 1)).toBeLessThan(0.1);
      // Energy of a 0.5-amplitude sine is 0.125; lossy coding keeps it within a few percent.
      const mid = y.subarray(Math.floor(nativeSr * 0.2), Math.floor(nativeSr * 0.8));
      const energy = mid.reduce((s, v) => s + v * v, 0) / mid.length;
      expect(energy).toBeGreaterThan(0.10);
      expect(energy).toBeLessThan(0.13);
      if (format === 'flac') {
        const wav = await loadAudio(wavPath, { sr: null });
        expect(Array.from(y.subarray(0, 2000))).toEqual(Array.from(wav.y.subarray(0, 2000)));
      }
    });
  }
});

/** ITU-T G.711 expansions to 16-bit linear (Sun's g711.c, which libsndfile's tables follow), then /32768 as libsndfile. */
const g711 = {
  ulaw(byte: number): number {
    const u = ~byte & 0xff;
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 7)) - 0x84;
    return (u & 0x80 ? -magnitude : magnitude) / 32768;
  },
  alaw(byte: number): number {
    const a = byte ^ 0x55;
    const exponent = (a >> 4) & 7;
    const magnitude = exponent === 0 ? ((a & 0x0f) << 4) + 8 : (((a & 0x0f) << 4) + 0x108) << (exponent - 1);
    return (a & 0x80 ? magnitude : -magnitude) / 32768;
  },
};

describe.skipIf(!hasCommand('sox'))('codecs inside WAV (files made by sox)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsio-wav-codecs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const source = join(dir, 'speechlike.wav');
  writeFileSync(source, encodeWav([Float32Array.from(sine(12000, 16000, 310, 0.6), (v, i) => v * Math.sin((Math.PI * i) / 12000))], 16000, 's16'));
  const make = (name: string, ...encoding: string[]) => {
    const path = join(dir, name);
    execFileSync('sox', [source, ...encoding, path], { stdio: 'ignore' });
    return path;
  };

  it('µ-law and A-law: every sample is the G.711 expansion of its byte, scaled as libsndfile', async () => {
    for (const [law, expand] of [['u-law', g711.ulaw], ['a-law', g711.alaw]] as const) {
      const bytes = new Uint8Array(readFileSync(make(`${law}.wav`, '-e', law)));
      const header = readWavHeader(bytes);
      const { channels } = await decodeAudio(bytes, law);
      const expected = Array.from(bytes.subarray(header.dataOffset, header.dataOffset + header.dataBytes), expand);
      expect(Array.from(channels[0]!), law).toEqual(expected);
    }
  });

  it('MS and IMA ADPCM decode to the source within the codec error', async () => {
    const reference = (await decodeAudio(readFileSync(source), 'source')).channels[0]!;
    for (const codec of ['ms-adpcm', 'ima-adpcm']) {
      const { channels } = await decodeAudio(readFileSync(make(`${codec}.wav`, '-e', codec)), codec);
      const y = channels[0]!;
      // ADPCM pads the last block: at least the source's length, at most one block more.
      expect(y.length).toBeGreaterThanOrEqual(reference.length);
      expect(y.length).toBeLessThan(reference.length + 1024);
      let err = 0;
      for (let i = 0; i < reference.length; i++) err += (y[i]! - reference[i]!) ** 2;
      expect(Math.sqrt(err / reference.length), codec).toBeLessThan(0.01);
    }
  });

  it('an MP3 stream inside RIFF/WAVE (format tag 0x0055) decodes exactly as the same .mp3', async () => {
    const mp3 = new Uint8Array(readFileSync(make('tone.mp3', '-C', '128')));
    const wav = riffWithTag(0x55, mp3, 16000);
    const inWav = await decodeAudio(wav, 'mp3 in riff.wav');
    const plain = await decodeAudio(mp3, 'tone.mp3');
    expect(inWav.sampleRate).toBe(16000);
    expect(Array.from(inWav.channels[0]!)).toEqual(Array.from(plain.channels[0]!));
  });

  it('names a WAV codec it cannot decode', async () => {
    await expect(decodeAudio(readFileSync(make('gsm.wav', '-e', 'gsm-full-rate')), 'gsm.wav')).rejects.toThrow(
      /gsm\.wav: unsupported WAV codec: GSM 6\.10 \(format tag 0x0031\); convert it to PCM WAV or FLAC/,
    );
  });
});

describe('int16 mono fast path', () => {
  it('gives the same samples as the general reader, also from an odd byte offset', async () => {
    const x = sine(3001, 8000, 700, 0.9);
    const bytes = encodeWav([x], 8000, 's16');
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const a = await decodeAudio(bytes, 'a.wav');
    const b = await decodeAudio(shifted, 'b.wav');
    expect(Array.from(a.channels[0]!)).toEqual(Array.from(b.channels[0]!));
    for (let i = 0; i < x.length; i += 11) expect(a.channels[0]![i]).toBe(expected.s16(x[i]!));
  });
});
