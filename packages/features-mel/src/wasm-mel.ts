import type { SparseFilterbank } from './filterbank.js';
import { paddedIndex, type ResolvedStftOptions } from './frames.js';
import { MEL_WASM_BASE64 } from './mel-wasm.generated.js';
import type { PackedRealFft } from './fft.js';

/**
 * The mel kernel of wasm/mel.c: windowed real FFT, |X|^power and the sparse filterbank for two
 * frames per pass in WebAssembly SIMD, bit-identical to the TypeScript path. Used where the
 * runtime has WebAssembly SIMD (Node ≥ 16, current browsers); otherwise the TypeScript path runs.
 */
export interface WasmMelKernel {
  /** Mel frames of y into data[mel · cols + t] (cols = the frame count of y). */
  compute(y: Float32Array, cols: number, data: Float32Array): void;
}

// The few WebAssembly and base64 globals used here (this package builds without DOM or Node types).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
};
declare function atob(data: string): string;
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Frames per kernel call: bounds the module's memory whatever the signal length. */
const CHUNK_FRAMES = 128;
/** Fields of the C `Plan` struct, each 4 bytes, in declaration order. */
const PLAN_FIELDS = ['m', 'nMels', 'power', 'window', 'bitReverse', 'cosT', 'sinT', 'splitCos', 'splitSin', 'melStart', 'melOffsets', 'melWeights', 'zr', 'zi', 'spectrum'] as const;

let compiled: object | null | undefined;

function melModule(): object | null {
  if (compiled === undefined) {
    try {
      const binary = atob(MEL_WASM_BASE64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null; // no WebAssembly, or no SIMD: the TypeScript path serves
    }
  }
  return compiled;
}

interface KernelExports {
  memory: WasmMemory;
  __heap_base: { value: number };
  mel_frames(plan: number, framed: number, hop: number, count: number, stride: number, out: number): void;
}

/** A kernel for this plan, or undefined where it cannot serve (no SIMD, power not 1 or 2, nFft < 8). */
export function createWasmMelKernel(
  options: Readonly<ResolvedStftOptions>,
  fft: PackedRealFft,
  window: Float64Array,
  filterbank: SparseFilterbank,
  power: number,
): WasmMelKernel | undefined {
  const m = options.nFft / 2;
  if ((power !== 1 && power !== 2) || m < 4) return undefined;
  const module = melModule();
  if (!module) return undefined;
  const exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  const { memory } = exports;
  const { nFft, hopLength, center, padMode } = options;
  const { nMels } = filterbank;
  const tables = fft.tables;

  // Layout after the module's own data and stack: plan struct, tables, scratch, then the chunk buffers.
  let top = Number(exports.__heap_base.value);
  const reserve = (bytes: number) => {
    const at = Math.ceil(top / 16) * 16;
    top = at + bytes;
    return at;
  };
  const planAt = reserve(4 * PLAN_FIELDS.length);
  const f64 = (n: number) => reserve(8 * n);
  const i32 = (n: number) => reserve(4 * n);
  const fields: Record<(typeof PLAN_FIELDS)[number], number> = {
    m,
    nMels,
    power,
    window: f64(nFft),
    bitReverse: i32(m),
    cosT: f64(tables.cos.length),
    sinT: f64(tables.sin.length),
    splitCos: f64(m + 1),
    splitSin: f64(m + 1),
    melStart: i32(nMels),
    melOffsets: i32(nMels + 1),
    melWeights: f64(filterbank.weights.length),
    zr: f64(2 * m),
    zi: f64(2 * m),
    spectrum: f64(2 * (m + 1)),
  };
  const chunkSamples = (CHUNK_FRAMES - 1) * hopLength + nFft;
  const framedAt = reserve(4 * chunkSamples);
  const outAt = reserve(4 * nMels * CHUNK_FRAMES);
  const pageBytes = 65536;
  if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / pageBytes));

  const buffer = memory.buffer;
  const plan = new Int32Array(buffer, planAt, PLAN_FIELDS.length);
  PLAN_FIELDS.forEach((name, i) => (plan[i] = fields[name]));
  new Float64Array(buffer, fields.window, nFft).set(window);
  new Int32Array(buffer, fields.bitReverse, m).set(tables.bitReverse);
  new Float64Array(buffer, fields.cosT, tables.cos.length).set(tables.cos);
  new Float64Array(buffer, fields.sinT, tables.sin.length).set(tables.sin);
  new Float64Array(buffer, fields.splitCos, m + 1).set(tables.splitCos);
  new Float64Array(buffer, fields.splitSin, m + 1).set(tables.splitSin);
  new Int32Array(buffer, fields.melStart, nMels).set(filterbank.start);
  new Int32Array(buffer, fields.melOffsets, nMels + 1).set(filterbank.offsets);
  new Float64Array(buffer, fields.melWeights, filterbank.weights.length).set(filterbank.weights);
  const framed = new Float32Array(buffer, framedAt, chunkSamples);
  const out = new Float32Array(buffer, outAt, nMels * CHUNK_FRAMES);
  const pad = center ? Math.floor(nFft / 2) : 0;

  return {
    compute(y, cols, data) {
      const n = y.length;
      for (let t0 = 0; t0 < cols; t0 += CHUNK_FRAMES) {
        const count = Math.min(CHUNK_FRAMES, cols - t0);
        // Samples of y (padded as librosa pads) that these frames cover.
        const first = t0 * hopLength - pad;
        const length = (count - 1) * hopLength + nFft;
        // The part inside y is one copy; only the padding goes through the index mapping.
        const padded = (from: number, to: number) => {
          for (let i = from; i < to; i++) {
            const j = paddedIndex(first + i, n, padMode);
            framed[i] = j < 0 ? 0 : y[j]!;
          }
        };
        const lo = Math.max(first, 0) - first;
        const hi = Math.min(first + length, n) - first;
        if (hi > lo) {
          padded(0, lo);
          framed.set(y.subarray(first + lo, first + hi), lo);
          padded(hi, length);
        } else {
          padded(0, length);
        }
        exports.mel_frames(planAt, framedAt, hopLength, count, count, outAt);
        for (let mel = 0; mel < nMels; mel++) data.set(out.subarray(mel * count, mel * count + count), mel * cols + t0);
      }
    },
  };
}
