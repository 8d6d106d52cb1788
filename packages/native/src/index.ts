// The JavaScript face of the addon: loads build/Release/earshot_native.node on first use and never
// throws when it is absent or broken; callers fall back to their WebAssembly paths.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { DnnlBinding } from './dnnl.js';

export type { ConvGeometry, DnnlBinding, MatMulGeometry, PoolGeometry } from './dnnl.js';

/** libsoxr, called as python-soxr calls it. */
export interface SoxrBinding {
  /**
   * `soxr.resample(y, inRate, outRate, quality='soxr_hq')` of python-soxr: float32 in and out, linear
   * phase, the tail flushed once. Its length is python-soxr's (about n·outRate/inRate); librosa
   * then fixes it to ceil(n·outRate/inRate).
   */
  resample(y: Float32Array, inRate: number, outRate: number): Float32Array;
  /** soxr's engine for soxr_hq at these rates, e.g. 'cr32s' (single precision, SIMD). */
  engine(inRate: number, outRate: number): string;
  /** libsoxr's version string, e.g. 'libsoxr-0.1.3'. */
  readonly version: string;
}

/** The parts of the addon; each is present when it was compiled in. */
export interface NativeAddon {
  soxr?: SoxrBinding;
  /** oneDNN training kernels (libdnnl). */
  dnnl?: DnnlBinding;
}

/** What to do for native speed where the addon is not built. */
export const NATIVE_HINT = 'apt-get install libsoxr-dev libdnnl-dev g++, then pnpm install, for native speed';

/** `build/` sits beside `src/` and `dist/`, so this resolves from either. */
export const ADDON_PATH = fileURLToPath(new URL('../build/Release/earshot_native.node', import.meta.url));

let loaded: { addon: NativeAddon | null; status: string } | undefined;

function load(): { addon: NativeAddon | null; status: string } {
  if (process.env.EARSHOT_NATIVE === '0') return { addon: null, status: 'disabled by EARSHOT_NATIVE=0' };
  if (!existsSync(ADDON_PATH)) return { addon: null, status: `not built (${ADDON_PATH} is missing): ${NATIVE_HINT}` };
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    return { addon, status: `loaded (${describeParts(addon)})` };
  } catch (error) {
    return { addon: null, status: `failed to load ${ADDON_PATH} (${(error as Error).message.split('\n')[0]}): rebuild with pnpm --filter @earshot/native build:addon` };
  }
}

/** 'libsoxr-0.1.3, oneDNN 2.6.3 avx512_core': what the build holds. */
function describeParts(addon: NativeAddon): string {
  const parts: string[] = [];
  if (addon.soxr) parts.push(addon.soxr.version);
  if (addon.dnnl) parts.push(`oneDNN ${addon.dnnl.version} ${addon.dnnl.isa}`);
  return parts.join(', ');
}

/** The addon, loaded on the first call; null when it is not built, fails to load, or EARSHOT_NATIVE=0. */
export function loadNative(): NativeAddon | null {
  loaded ??= load();
  return loaded.addon;
}

/** One line on the addon: 'loaded (libsoxr-0.1.3, …)', or why it is not in use and how to get it. */
export function nativeStatus(): string {
  loaded ??= load();
  return loaded.status;
}
