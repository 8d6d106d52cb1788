import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBase64, loadSoxrWasm, loadSoxrWasmSync, type SoxrWasm } from '../src/soxr-wasm.js';
import { SOXR_WASM_BASE64 } from '../src/soxr-wasm.generated.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
/** Set in CI, which installs libsoxr-dev: the comparison with the native addon must run there, not skip. */
const nativeRequired = process.env.EARSHOT_REQUIRE_NATIVE === '1';

type NativeSoxr = Pick<SoxrWasm, 'resample' | 'engine' | 'version'>;
let native: NativeSoxr | undefined;
let nativeWhy = '';
try {
  const { loadNative, nativeStatus } = await import('@earshot/native');
  native = loadNative()?.soxr;
  if (!native) nativeWhy = nativeStatus();
} catch (e) {
  nativeWhy = `@earshot/native does not load: ${(e as Error).message}`;
}

const f32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};
const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, 4 * a.length), Buffer.from(b.buffer, b.byteOffset, 4 * b.length)) === 0;
/** Indices and values where a and b differ in any bit (at most 5), for a readable failure. */
const firstDiffs = (a: Float32Array, b: Float32Array) => {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const v = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const out: string[] = [];
  for (let i = 0; i < Math.min(a.length, b.length) && out.length < 5; i++) if (u[i] !== v[i]) out.push(`${i}: ${a[i]} vs ${b[i]}`);
  return `lengths ${a.length}/${b.length}; ${out.join(', ')}`;
};

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function noise(n: number, seed: number, amplitude = 0.5): Float32Array {
  const r = lcg(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * amplitude);
}
function sweep(n: number, sr: number): Float32Array {
  const y = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * 20 * Math.pow(sr / 2 / 20 / 1.1, i / n)) / sr;
    y[i] = 0.8 * Math.sin(phase);
  }
  return y;
}
function sine(n: number, sr: number, hz: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sr));
}
/** 16-bit PCM mono WAV samples / 32768 (the FSDD recordings). */
function readPcm16Wav(path: string): Float32Array {
  const b = readFileSync(path);
  for (let at = 12; at + 8 <= b.length; ) {
    const size = b.readUInt32LE(at + 4);
    if (b.toString('ascii', at, at + 4) === 'data') {
      return Float32Array.from({ length: size >> 1 }, (_, i) => b.readInt16LE(at + 8 + 2 * i) / 32768);
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

const RATE_PAIRS = [[8000, 22050], [16000, 22050], [44100, 22050], [48000, 22050], [22050, 16000], [48000, 16000], [11025, 22050]] as const;
const FSDD_WAV = join(packageDir, '..', '..', '..', 'shared', 'datasets', 'fsdd', 'recordings', '0_jackson_0.wav');

describe('soxr wasm: loading', () => {
  it('compiles asynchronously and synchronously into one cached instance', async () => {
    const asyncLoaded = await loadSoxrWasm();
    expect(loadSoxrWasmSync()).toBe(asyncLoaded);
    expect(await loadSoxrWasm()).toBe(asyncLoaded);
    expect(asyncLoaded.version).toBe('libsoxr-0.1.3');
    expect(asyncLoaded.engine(44100, 22050)).toBe('cr32s');
  });

  it('decodes base64 without atob exactly as Buffer does', () => {
    expect(Array.from(decodeBase64(SOXR_WASM_BASE64))).toEqual(Array.from(Buffer.from(SOXR_WASM_BASE64, 'base64')));
    expect(Array.from(decodeBase64('AQID'))).toEqual([1, 2, 3]);
    expect(Array.from(decodeBase64('AQI='))).toEqual([1, 2]);
    expect(() => decodeBase64('A*==')).toThrow(/invalid character/);
  });

  it('imports nothing but the memory-growth notice', () => {
    // The package's lib has no WebAssembly types: the two members used here.
    const { Module } = (globalThis as unknown as { WebAssembly: { Module: { new (bytes: Uint8Array): object; imports(module: object): { module: string; name: string }[] } } }).WebAssembly;
    const module = new Module(Buffer.from(SOXR_WASM_BASE64, 'base64'));
    expect(Module.imports(module).map((i) => `${i.module}.${i.name}`)).toEqual(['env.emscripten_notify_memory_growth']);
  });
});

describe('soxr wasm: python-soxr reference', () => {
  interface Case { name: string; inRate: number; outRate: number; x: string; y: string }
  const fixture = JSON.parse(readFileSync(join(packageDir, '..', 'native', 'test', 'fixtures', 'python-soxr.json'), 'utf8')) as { python_soxr: string; cases: Case[] };
  const soxr = loadSoxrWasmSync();
  for (const c of fixture.cases) {
    it(`${c.name}: bit-identical to python-soxr ${fixture.python_soxr}`, () => {
      const y = soxr.resample(f32(c.x), c.inRate, c.outRate);
      const expected = f32(c.y);
      expect(sameBits(y, expected), firstDiffs(y, expected)).toBe(true);
    });
  }
});

describe.skipIf(!native && !nativeRequired)(`soxr wasm vs the native addon${native ? '' : ` (skipped: ${nativeWhy})`}`, () => {
  const soxr = loadSoxrWasmSync();
  const signals: [string, () => Float32Array][] = [
    ['white noise', () => noise(3 * 44100, 1)],
    ['sine sweep', () => sweep(3 * 44100, 44100)],
    ['quiet noise with silence', () => Float32Array.from(noise(20000, 9, 1e-3), (v, i) => (i % 5000 < 1500 ? 0 : v))],
  ];
  if (existsSync(FSDD_WAV)) signals.push(['FSDD 0_jackson_0.wav', () => readPcm16Wav(FSDD_WAV)]);

  for (const [name, make] of signals) {
    it(`${name}: every sample bit-identical at ${RATE_PAIRS.length} rate pairs`, () => {
      const y = make();
      for (const [from, to] of RATE_PAIRS) {
        const a = soxr.resample(y, from, to);
        const b = native!.resample(y, from, to);
        expect(sameBits(a, b), `${from} → ${to}: ${firstDiffs(a, b)}`).toBe(true);
      }
    });
  }

  it('short and chunk-boundary lengths, odd rates: same length and samples', () => {
    const r = lcg(3);
    for (const [from, to] of [...RATE_PAIRS, [44100, 8000], [8000, 192000], [22050, 22050], [12345.5, 22050], [1, 3]] as const) {
      for (const n of [0, 1, 2, 3, 7, 999, 1000, 1001, 2177, 4800]) {
        const y = Float32Array.from({ length: n }, () => r() * 2 - 1);
        const a = soxr.resample(y, from, to);
        const b = native!.resample(y, from, to);
        expect(sameBits(a, b), `${n} samples ${from} → ${to}: ${firstDiffs(a, b)}`).toBe(true);
      }
    }
  });

  it('names the same engine and version', () => {
    expect(soxr.engine(16000, 22050)).toBe(native!.engine(16000, 22050));
    expect(soxr.version).toBe(native!.version);
  });
});

describe('soxr wasm: behaviour', () => {
  const soxr = loadSoxrWasmSync();

  it("has python-soxr's length, round(n·out/in), and 0 for an empty signal", () => {
    expect(soxr.resample(new Float32Array(0), 8000, 22050)).toHaveLength(0);
    for (const [from, to] of [...RATE_PAIRS, [44100, 8000]] as const) {
      for (const n of [1, 2, 5, 7, 100, 1001, 2399, 2400, 48001]) {
        expect(soxr.resample(new Float32Array(n), from, to), `${n} samples ${from} → ${to}`).toHaveLength(Math.round((n * to) / from));
      }
    }
  });

  it('keeps a 1 kHz tone (frequency, amplitude, phase) at 44100 → 22050 and removes one above the new Nyquist', () => {
    const y = soxr.resample(sine(44100, 44100, 1000), 44100, 22050);
    expect(y).toHaveLength(22050);
    const expected = sine(22050, 22050, 1000);
    let err = 0;
    let re = 0;
    let im = 0;
    // 441 samples are 20 periods of 1 kHz at 22050 Hz: project on whole periods, away from the edges.
    const from = 441;
    const to = 49 * 441;
    for (let i = from; i < to; i++) {
      err = Math.max(err, Math.abs(y[i]! - expected[i]!));
      re += y[i]! * Math.sin((2 * Math.PI * 1000 * i) / 22050);
      im += y[i]! * Math.cos((2 * Math.PI * 1000 * i) / 22050);
    }
    expect(err).toBeLessThan(1e-4);
    // Amplitude 0.5 and phase 0 (soxr_hq is linear phase with its delay removed).
    expect((2 * Math.hypot(re, im)) / (to - from)).toBeCloseTo(0.5, 5);
    expect(Math.abs(Math.atan2(im, re))).toBeLessThan(1e-4);
    const alias = soxr.resample(sine(44100, 44100, 15000), 44100, 22050);
    const rms = Math.sqrt(alias.subarray(500, 21550).reduce((s, v) => s + v * v, 0) / 21050);
    expect(rms).toBeLessThan(1e-4);
  });

  it('is stateless between calls and does not modify its input', () => {
    const x = noise(5000, 11);
    const copy = x.slice();
    const first = soxr.resample(x, 16000, 22050);
    soxr.resample(noise(777, 12), 48000, 8000);
    expect(sameBits(soxr.resample(x, 16000, 22050), first)).toBe(true);
    expect(sameBits(x, copy)).toBe(true);
  });

  it('resamples 60 s at 48 kHz (memory grows) and a subarray view', () => {
    const y = sine(60 * 48000, 48000, 440, 0.25);
    const out = soxr.resample(y, 48000, 22050);
    expect(out).toHaveLength(60 * 22050);
    expect(Math.max(...out.subarray(100000, 101000))).toBeCloseTo(0.25, 3);
    const view = y.subarray(48000, 96000);
    expect(sameBits(soxr.resample(view, 48000, 22050), soxr.resample(view.slice(), 48000, 22050))).toBe(true);
  });

  it('rejects bad rates and inputs as the native addon does', () => {
    const x = new Float32Array(4);
    expect(() => soxr.resample(x, 0, 22050)).toThrow(RangeError);
    expect(() => soxr.resample(x, 0, 22050)).toThrow('soxr.resample: inRate must be a positive sample rate, got 0.000000');
    expect(() => soxr.resample(x, -8000, 22050)).toThrow(/inRate must be a positive sample rate/);
    expect(() => soxr.resample(x, 8000, Number.NaN)).toThrow('outRate must be a positive sample rate, got nan');
    expect(() => soxr.resample(x, 8000, Number.POSITIVE_INFINITY)).toThrow('outRate must be a positive sample rate, got inf');
    expect(() => soxr.resample(x, 2e9, 22050)).toThrow(/inRate must be a positive sample rate/);
    expect(() => soxr.resample(x, '8000' as unknown as number, 22050)).toThrow(TypeError);
    expect(() => soxr.resample(new Float64Array(4) as unknown as Float32Array, 8000, 22050)).toThrow(/y must be a Float32Array/);
    expect(() => soxr.engine(8000, 0)).toThrow(/outRate must be a positive sample rate/);
    // Still usable after the errors.
    expect(soxr.resample(new Float32Array(10), 8000, 16000)).toHaveLength(20);
  });
});

const emcc = (() => {
  try {
    execFileSync(process.env.EMCC ?? 'emcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('soxr wasm: generated module', () => {
  it.skipIf(!emcc)(`src/soxr-wasm.generated.ts is what scripts/build-soxr-wasm.mjs builds${emcc ? '' : ' (skipped: no emcc)'}`, () => {
    // Exits 1 (execFileSync throws) when the committed module differs from a fresh build.
    execFileSync(process.execPath, [join(packageDir, 'scripts', 'build-soxr-wasm.mjs'), '--check'], { cwd: packageDir, stdio: 'pipe' });
  }, 300_000);
});
