import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMelExtractor, melFilterbank, melSpectrogram, powerSpectrogram, powerToDb, toSparse } from '../src/index.js';
import { maxAbsDiff } from './reference.js';

const chirp = (n: number, sr: number) =>
  Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin(2 * Math.PI * (100 + (3000 * i) / n) * (i / sr)));

describe('createMelExtractor', () => {
  const params = [
    { sr: 16000, nFft: 1024, hopLength: 256, nMels: 64, fmin: 50, fmax: 4000 },
    { sr: 22050, nFft: 1000, hopLength: 333, nMels: 40, htk: true },
    { sr: 8000, nFft: 256, winLength: 200, nMels: 32, norm: null, padMode: 'reflect' as const },
  ];
  for (const opts of params) {
    it(`sparse mel equals the dense filterbank times the power spectrogram (${JSON.stringify(opts)})`, () => {
      const y = chirp(9000, opts.sr);
      const ex = createMelExtractor(opts);
      const S = ex.compute(y);
      const P = powerSpectrogram(y, opts);
      const fb = melFilterbank(opts);
      expect([S.rows, S.cols]).toEqual([fb.rows, P.cols]);
      expect(ex.frameCount(y.length)).toBe(P.cols);
      let worst = 0;
      for (let m = 0; m < fb.rows; m++) {
        for (let t = 0; t < P.cols; t++) {
          let acc = 0;
          for (let k = 0; k < fb.cols; k++) acc += fb.data[m * fb.cols + k]! * P.data[k * P.cols + t]!;
          worst = Math.max(worst, Math.abs(S.data[m * S.cols + t]! - acc) / Math.max(acc, 1e-9));
        }
      }
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('stores each filter as a short span', () => {
    const sparse = toSparse(melFilterbank({ sr: 22050 }));
    expect(sparse.weights.length).toBeLessThan(0.02 * 128 * 1025);
  });

  it('is reusable across clips of different lengths and into a caller buffer', () => {
    const ex = createMelExtractor({ sr: 22050 });
    const a = chirp(11025, 22050);
    const b = chirp(3000, 22050);
    const first = ex.compute(a);
    ex.compute(b);
    expect(ex.compute(a).data).toEqual(first.data);
    const buffer = new Float32Array(128 * 100);
    const into = ex.compute(a, buffer);
    expect(into.data.buffer).toBe(buffer.buffer);
    expect(into.data).toEqual(first.data);
    expect(() => ex.compute(a, new Float32Array(10))).toThrow(/out has 10 floats/);
  });

  it('computeDb is power_to_db(ref=max) by default and forwards dB options', () => {
    const ex = createMelExtractor({ sr: 22050, nMels: 96 });
    const y = chirp(7000, 22050);
    expect(ex.computeDb(y).data).toEqual(powerToDb(ex.compute(y), { ref: 'max' }).data);
    const d = ex.computeDb(y, { ref: 1, topDb: null });
    expect(d.data).toEqual(powerToDb(ex.compute(y), { topDb: null }).data);
  });

  it('one-shot calls reuse cached extractors without mixing their options', () => {
    const y = chirp(6000, 22050);
    const slaney = melSpectrogram(y, { sr: 22050, nMels: 40 });
    const htk = melSpectrogram(y, { sr: 22050, nMels: 40, htk: true });
    const wide = melSpectrogram(y, { sr: 22050, nMels: 64 });
    expect(htk.data).not.toEqual(slaney.data);
    expect(wide.rows).toBe(64);
    expect(melSpectrogram(y, { sr: 22050, nMels: 40 }).data).toEqual(slaney.data);
    expect(melSpectrogram(y, { sr: 22050, nMels: 40, htk: true }).data).toEqual(createMelExtractor({ sr: 22050, nMels: 40, htk: true }).compute(y).data);
  });

  it('rejects bad options naming the key', () => {
    expect(() => createMelExtractor({ sr: 22050, power: 0 })).toThrow(/power=0/);
    expect(() => createMelExtractor({ sr: 22050, padMode: 'wrap' as 'edge' })).toThrow(/padMode='wrap'/);
    expect(() => createMelExtractor({ sr: 22050, hopLength: 1.5 })).toThrow(/hopLength=1.5/);
  });
});

describe('WebAssembly SIMD kernel', () => {
  // Realistic input: a chirp under noise, with a silent stretch and a loud burst, and odd lengths
  // so frame pairs, chunk borders (128 frames) and every padding mode's edges are exercised.
  const signal = (n: number, sr: number) => {
    let seed = 12345;
    const y = chirp(n, sr);
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      y[i] = (i > n / 3 && i < n / 2 ? 0 : y[i]!) + 0.05 * (seed / 2 ** 32 - 0.5) + (i > 0.8 * n ? 0.9 * Math.sin(i) : 0);
    }
    return y;
  };
  const cases = [
    { sr: 22050 },
    { sr: 22050, nFft: 512, hopLength: 128, nMels: 40, fmin: 30, fmax: 8000, htk: true },
    { sr: 8000, nFft: 256, winLength: 200, hopLength: 100, nMels: 32, norm: null, padMode: 'reflect' as const },
    { sr: 16000, nFft: 1024, hopLength: 160, nMels: 80, power: 1, padMode: 'edge' as const },
    { sr: 22050, nFft: 2048, hopLength: 512, nMels: 128, center: false },
    { sr: 8000, nFft: 8, hopLength: 3, nMels: 2, fmax: 4000 },
  ];
  for (const opts of cases) {
    it(`is bit-identical to the TypeScript path (${JSON.stringify(opts)})`, () => {
      const wasm = createMelExtractor(opts);
      const typescript = createMelExtractor(opts, { wasm: false });
      expect(wasm.usesWasm).toBe(true);
      expect(typescript.usesWasm).toBe(false);
      for (const n of [opts.nFft ?? 2048, 9001, 3 * 22050 + 7]) {
        const y = signal(n, opts.sr);
        const a = wasm.compute(y);
        const b = typescript.compute(y);
        expect(a.cols).toBe(b.cols);
        expect(a.data).toEqual(b.data);
      }
    });
  }

  it('steps aside where it cannot serve: other powers and non-power-of-two nFft', () => {
    expect(createMelExtractor({ sr: 22050, power: 1.5 }).usesWasm).toBe(false);
    expect(createMelExtractor({ sr: 22050, nFft: 1000 }).usesWasm).toBe(false);
  });
});

describe('the committed kernel binary', () => {
  const clang = process.env['CLANG'] ?? 'clang-14';
  const hasClang = spawnSync(clang, ['--version']).status === 0;
  it.skipIf(!hasClang)(`is what ${clang} builds from wasm/mel.c`, () => {
    const result = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url)), '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
