import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerRepairedKernels, unregisterRepairedKernels } from './kernels/register.js';
import { loadDnnl, registerNativeKernels, unregisterNativeKernels } from './native/register.js';
import { wasmBinaryDir } from './wasm-files.js';
import { initThreadedWasm } from './wasm-threads.js';

export type BackendChoice = 'auto' | 'node' | 'native' | 'wasm' | 'cpu';

export interface InitBackendOptions {
  /**
   * Which engine to use; 'auto' tries node, then native (oneDNN kernels on the wasm backend, where
   * @earshot/native built), then wasm, then cpu. Default 'auto'.
   */
  backend?: BackendChoice;
  /**
   * Register earshot's training kernels on wasm: true (default) for all, false for wasm as
   * shipped, or the names of some of them (benchmarks, bisecting).
   */
  repairWasm?: boolean | readonly string[];
  /**
   * wasm: XNNPACK threads. 1 (default) loads the single-threaded SIMD build; more starts
   * the threaded-SIMD build through Node shims (see README). Fixed at the first wasm init
   * of a process or worker.
   */
  threads?: number;
  /**
   * native: oneDNN (OpenMP) threads of this JS thread. Default: one per core. Results are
   * bit-reproducible for a fixed count; another count changes the float order of reductions.
   */
  nativeThreads?: number;
}

export interface BackendInfo {
  /** The engine in use. */
  backend: 'node' | 'native' | 'wasm' | 'cpu';
  /** Why it was chosen, including why the preferred ones were not. */
  reason: string;
  /** tfjs' own backend name (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  /** wasm only: whether the SIMD binary is in use. */
  simd?: boolean;
  /** wasm only: XNNPACK threads (1: the threaded build cannot start in Node, see README). */
  threads?: number;
  /** wasm only: the kernels earshot registered. */
  repairedKernels?: string[];
  /** native only: the kernels running on oneDNN (the rest run on wasm). */
  nativeKernels?: string[];
  /** native only: oneDNN threads. */
  nativeThreads?: number;
}

class BackendUnavailableError extends Error {}

/**
 * Selects and initializes the tfjs backend. Works the same inside a worker_thread (each
 * thread has its own tfjs engine): call it once per thread with the same options.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const choice = options.backend ?? 'auto';
  const repair = options.repairWasm ?? true;
  if (!['auto', 'node', 'native', 'wasm', 'cpu'].includes(choice)) {
    throw new Error(`initBackend: backend must be one of auto, node, native, wasm, cpu (got '${String(choice)}')`);
  }
  const nativeThreads = options.nativeThreads ?? availableParallelism();
  if (!Number.isInteger(nativeThreads) || nativeThreads < 1) {
    throw new Error(`initBackend: nativeThreads must be an integer ≥ 1 (got ${String(nativeThreads)})`);
  }
  if (choice === 'node') return remember(await explicit('node', () => initNode('requested')));
  if (choice === 'native') return remember(await explicit('native', () => initNative(nativeThreads, 'requested')));
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`initBackend: threads must be an integer ≥ 1 (got ${String(threads)})`);
  }
  if (choice === 'wasm') return remember(await explicit('wasm', () => initWasm(repair, threads, 'requested')));
  if (choice === 'cpu') return remember(await initCpu('requested'));

  const skipped: string[] = [];
  const attempts = [() => initNode('auto'), () => initNative(nativeThreads, 'auto'), () => initWasm(repair, threads, 'auto')];
  for (const attempt of attempts) {
    try {
      const info = await attempt();
      return remember({ ...info, reason: [...skipped, info.reason].join('; ') });
    } catch (error) {
      if (!(error instanceof BackendUnavailableError)) throw error;
      skipped.push(error.message);
    }
  }
  const info = await initCpu('auto');
  return remember({ ...info, reason: [...skipped, info.reason].join('; ') });
}

let current: BackendInfo | null = null;

function remember(info: BackendInfo): BackendInfo {
  current = info;
  return info;
}

/**
 * The engine this thread's last `initBackend` chose, while tfjs still runs on it (workers start
 * theirs with it: 'native' and 'wasm' are both tfjs' wasm backend); null before any.
 */
export function currentBackend(): BackendInfo['backend'] | null {
  return current !== null && current.tfBackend === tf.getBackend() ? current.backend : null;
}

async function explicit(name: string, init: () => Promise<BackendInfo>): Promise<BackendInfo> {
  try {
    return await init();
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    throw new Error(`initBackend: backend '${name}' was requested but cannot load: ${error.message}`);
  }
}

async function initNode(why: string): Promise<BackendInfo> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier = '@tensorflow/tfjs-node';
  try {
    await import(specifier);
  } catch (error) {
    throw new BackendUnavailableError(`tfjs-node unavailable: ${firstLine(error)}`);
  }
  if (!(await tf.setBackend('tensorflow'))) {
    throw new BackendUnavailableError('tfjs-node loaded but its backend failed to initialize');
  }
  return { backend: 'node', tfBackend: tf.getBackend(), reason: `tfjs-node (libtensorflow) ${why}` };
}

/** The wasm backend with the repaired kernels, and the oneDNN ones over them. */
async function initNative(nativeThreads: number, why: string): Promise<BackendInfo> {
  const loaded = loadDnnl();
  if (loaded.dnnl === null) throw new BackendUnavailableError(loaded.why);
  const { dnnl } = loaded;
  const wasm = await initWasm(true, 1, why);
  dnnl.setThreads(nativeThreads);
  const nativeKernels = registerNativeKernels(dnnl);
  return {
    ...wasm, backend: 'native', nativeKernels, nativeThreads,
    reason: `native ${why} (oneDNN ${dnnl.version} ${dnnl.isa}, ${nativeThreads} thread${nativeThreads === 1 ? '' : 's'}: `
      + `${nativeKernels.join(' ')}; the rest on wasm ${wasm.simd === true ? 'SIMD' : 'scalar'})`,
  };
}

async function initWasm(repair: boolean | readonly string[], threads: number, why: string): Promise<BackendInfo> {
  unregisterNativeKernels(); // they sit over the repaired kernels, which are re-registered below
  const firstInit = tf.findBackend('wasm') === null;
  if (firstInit) {
    try {
      setWasmPaths(wasmBinaryDir());
    } catch (error) {
      throw new BackendUnavailableError(`wasm binaries not found: ${firstLine(error)}`);
    }
  }
  const ready = firstInit && threads > 1
    ? await initThreadedWasm(threads, () => tf.setBackend('wasm'))
    : await tf.setBackend('wasm');
  if (!ready) {
    throw new BackendUnavailableError('wasm backend failed to initialize (see the tfjs warning above)');
  }
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threadsInUse = getThreadsCount();
  let repairedKernels: string[] = [];
  if (repair === false) unregisterRepairedKernels();
  else repairedKernels = registerRepairedKernels(repair === true ? undefined : repair);
  const build = `${simd ? 'SIMD' : 'scalar'}, ${threadsInUse} thread${threadsInUse === 1 ? '' : 's'}`;
  const kernels = repair === false ? ', stock kernels (cannot train convs)'
    : `, repaired kernels: ${repairedKernels.join(' ') || 'none'}`;
  return {
    backend: 'wasm', tfBackend: tf.getBackend(), simd, threads: threadsInUse, repairedKernels,
    reason: `wasm ${why} (${build}${kernels})`,
  };
}

async function initCpu(why: string): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error('initBackend: the cpu backend failed to initialize');
  silenceNodeBanner();
  return { backend: 'cpu', tfBackend: tf.getBackend(), reason: `cpu ${why} (pure JS, slow)` };
}

/** The cpu backend prints a multi-line "install tfjs-node" banner on its first write in Node; we
 *  already chose the engine and say why in one line, so mark the banner as shown. */
function silenceNodeBanner(): void {
  const backend = tf.backend() as { firstUse?: boolean };
  if ('firstUse' in backend) backend.firstUse = false;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}
