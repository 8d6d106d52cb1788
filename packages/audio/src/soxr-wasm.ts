import { SOXR_WASM_BASE64 } from './soxr-wasm.generated.js';

/**
 * libsoxr 0.1.3 compiled to WebAssembly (scripts/build-soxr-wasm.mjs, wasm/soxr-driver.c): mono
 * float32 resampling called as python-soxr 1.x's `soxr.resample(y, in, out, 'soxr_hq')` calls it
 * (librosa's default res_type), with the cr32s engine that Debian's x86-64 libsoxr0 runs for HQ, so
 * it computes what earshot's native addon (`loadNative().soxr`) computes, in any JavaScript runtime
 * with WebAssembly SIMD.
 */
export interface SoxrWasm {
  /** y resampled from inRate to outRate: python-soxr's samples and length (about n·out/in). */
  resample(y: Float32Array, inRate: number, outRate: number): Float32Array;
  /** The engine libsoxr runs for soxr_hq at these rates: "cr32s". */
  engine(inRate: number, outRate: number): string;
  /** libsoxr's version string, "libsoxr-0.1.3". */
  readonly version: string;
}

// The few WebAssembly and base64 globals used here (this package builds without DOM or Node types).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: object }>;
};
declare const atob: ((data: string) => string) | undefined;
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

interface SoxrExports {
  memory: WasmMemory;
  _initialize?: () => void;
  earshot_malloc(bytes: number): number;
  earshot_free(pointer: number): void;
  earshot_soxr_resample(x: number, ilen: number, inRate: number, outRate: number, y: number, olen: number): number;
  earshot_soxr_engine(inRate: number, outRate: number): number;
  earshot_soxr_version(): number;
  earshot_soxr_error(): number;
}

/** The module's only import: emscripten's memory-growth notice (views are re-made from memory.buffer after each call). */
const IMPORTS = {
  env: { emscripten_notify_memory_growth: () => {} },
};

/** wasm32 memory stops at 2 GiB in this build; inputs whose buffers cannot fit are refused up front. */
const MAX_BUFFER_BYTES = 2 ** 31;

let cached: SoxrWasm | undefined;
let pending: Promise<SoxrWasm> | undefined;

/** The resampler, compiled asynchronously (as browsers require on the main thread) and cached. */
export async function loadSoxrWasm(): Promise<SoxrWasm> {
  if (cached) return cached;
  pending ??= (async () => {
    const module = await WebAssembly.compile(wasmBytes());
    const instance = await WebAssembly.instantiate(module, IMPORTS);
    cached ??= wrap(instance.exports as SoxrExports);
    return cached;
  })();
  try {
    return await pending;
  } finally {
    pending = undefined;
  }
}

/** The resampler, compiled synchronously (Node, workers); shares loadSoxrWasm's cache. */
export function loadSoxrWasmSync(): SoxrWasm {
  if (!cached) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), IMPORTS);
    cached = wrap(instance.exports as SoxrExports);
  }
  return cached;
}

function wrap(exports: SoxrExports): SoxrWasm {
  exports._initialize?.();
  const { memory } = exports;
  /** A NUL-terminated ASCII string of the module's memory. */
  const cString = (pointer: number): string => {
    const bytes = new Uint8Array(memory.buffer);
    let s = '';
    for (let i = pointer; bytes[i] !== 0 && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  };
  const malloc = (bytes: number): number => {
    const pointer = exports.earshot_malloc(bytes) >>> 0;
    if (pointer === 0) throw new RangeError(`soxr.resample: cannot allocate ${bytes} bytes of WebAssembly memory`);
    return pointer;
  };

  return {
    version: cString(exports.earshot_soxr_version() >>> 0),

    engine(inRate, outRate) {
      checkRate(inRate, 'inRate');
      checkRate(outRate, 'outRate');
      const pointer = exports.earshot_soxr_engine(inRate, outRate) >>> 0;
      if (pointer === 0) throw new Error(`soxr_create: ${cString(exports.earshot_soxr_error() >>> 0)}`);
      return cString(pointer);
    },

    resample(y, inRate, outRate) {
      if (!(y instanceof Float32Array)) throw new TypeError('soxr.resample(y, inRate, outRate): y must be a Float32Array');
      checkRate(inRate, 'inRate');
      checkRate(outRate, 'outRate');
      const n = y.length;
      // python-soxr's output capacity, (size_t)(ilen·out/in + 1): the same double arithmetic as C.
      const olen = Math.floor((n * outRate) / inRate + 1);
      if (!(4 * (n + olen) < MAX_BUFFER_BYTES)) {
        throw new RangeError(`soxr.resample: ${n} samples at ${inRate} → ${outRate} Hz exceed WebAssembly memory`);
      }
      const x = malloc(4 * n);
      let out = 0;
      try {
        out = malloc(4 * olen);
        new Float32Array(memory.buffer, x, n).set(y);
        const produced = exports.earshot_soxr_resample(x, n, inRate, outRate, out, olen);
        if (produced < 0) {
          const stage = produced === -1 ? 'soxr_create' : produced === -2 ? 'soxr_process' : 'soxr_process (flush)';
          throw new Error(`${stage}: ${cString(exports.earshot_soxr_error() >>> 0)}`);
        }
        // memory.buffer is read after the call: the module may have grown (and replaced) it.
        return new Float32Array(memory.buffer, out, produced).slice();
      } finally {
        exports.earshot_free(x);
        if (out) exports.earshot_free(out);
      }
    },
  };
}

/** The native addon's rate rule: a number in (0, 1e9]. */
function checkRate(rate: unknown, name: string): asserts rate is number {
  if (typeof rate !== 'number') throw new TypeError(`soxr.resample: ${name} must be a number`);
  if (!(rate > 0) || rate > 1e9) throw new RangeError(`soxr.resample: ${name} must be a positive sample rate, got ${formatRate(rate)}`);
}

/** The rate as the addon's std::to_string prints it ("16000.000000", "nan", "inf"). */
function formatRate(rate: number): string {
  if (Number.isNaN(rate)) return 'nan';
  if (!Number.isFinite(rate)) return rate > 0 ? 'inf' : '-inf';
  return rate.toFixed(6);
}

function wasmBytes(): Uint8Array {
  if (typeof atob === 'function') {
    const binary = atob(SOXR_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  return decodeBase64(SOXR_WASM_BASE64);
}

/** Standard base64 (with padding) to bytes, for runtimes without atob. */
export function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const values = new Uint8Array(128).fill(255);
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const v = code < 128 ? values[code]! : 255;
    if (v === 255) throw new Error(`base64: invalid character at ${i}`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (value >> bits) & 0xff;
    }
  }
  return bytes;
}
