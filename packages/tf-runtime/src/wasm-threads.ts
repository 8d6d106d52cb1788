import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/**
 * Starts tfjs' threaded-SIMD wasm build under Node, which tfjs disables there (tfjs#3830).
 * Its emscripten glue already supports Node workers; three browser-isms stand in the way,
 * bridged only while the backend initializes:
 *  - worker and main scripts are `blob:` URLs, which Node's Worker cannot load: Blob is
 *    swapped for one that writes its text to a temp file, whose path is the "URL";
 *  - the main script, evaluated inside each worker, expects the bundle's rollup aliases
 *    (require$$0…, commonjsGlobal): the temp file defines them first;
 *  - XNNPACK caps its pool at os.cpus().length / 2 (assumes hyper-threading): os.cpus is
 *    padded so the requested count is honoured.
 * The pthread workers are unref'd so they do not keep the process alive.
 */
export async function initThreadedWasm(threads: number, init: () => Promise<boolean>): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'earshot-tfjs-wasm-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const prelude = 'URL.createObjectURL = (blob) => blob.path; URL.revokeObjectURL = () => {};\n'
    + 'var require$$0 = require("fs"), require$$1 = require("path"), require$$2 = require("worker_threads"),'
    + ' require$$3 = require("perf_hooks"), require$$4 = require("os"), commonjsGlobal = globalThis;\n';
  let files = 0;
  class FileBlob {
    readonly path: string;
    constructor(parts: string[]) {
      this.path = path.join(dir, `script-${files++}.cjs`);
      fs.writeFileSync(this.path, prelude + parts.join(''));
    }
  }

  const realBlob = globalThis.Blob;
  const realCreateObjectURL = URL.createObjectURL;
  const realCpus = os.cpus;
  (globalThis as { Blob: unknown }).Blob = FileBlob;
  URL.createObjectURL = ((blob: FileBlob) => blob.path) as unknown as typeof URL.createObjectURL;
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => realCpus()[i % realCpus().length]!);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  try {
    const ok = await init();
    if (ok) unrefWorkers();
    return ok;
  } finally {
    globalThis.Blob = realBlob;
    URL.createObjectURL = realCreateObjectURL;
    os.cpus = realCpus;
  }
}

function unrefWorkers(): void {
  const module = (tf.backend() as unknown as { wasm: { PThread?: { unusedWorkers: Unrefable[]; runningWorkers: Unrefable[] } } }).wasm;
  const pool = module.PThread;
  if (pool === undefined) return;
  for (const worker of [...pool.unusedWorkers, ...pool.runningWorkers]) worker.unref?.();
}

interface Unrefable { unref?: () => void }
