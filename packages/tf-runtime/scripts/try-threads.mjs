// Investigation: can the threaded-SIMD wasm build run in Node? node scripts/try-threads.mjs [threads]
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, setThreadsCount, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { wasmBinaryDir } from '../dist/index.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-wasm-threads-'));
let n = 0;
const RealBlob = globalThis.Blob, realCreate = URL.createObjectURL;
globalThis.Blob = class FileBlob {
  constructor(parts) {
    const file = path.join(dir, `blob-${n++}.cjs`);
    // Worker scripts get a shim so the nested "blob" (main script) resolves to its file.
    fs.writeFileSync(file, 'URL.createObjectURL = (b) => b.path; URL.revokeObjectURL = () => {};\n' + 'var require$$0 = require("fs"), require$$1 = require("path"), require$$2 = require("worker_threads"), require$$3 = require("perf_hooks"), require$$4 = require("os"), commonjsGlobal = globalThis;\n' + parts.join(''));
    this.path = file;
  }
};
URL.createObjectURL = (b) => b.path;
setWasmPaths(wasmBinaryDir());
if (!process.env.NO_THREADS) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
setThreadsCount(Number(process.argv[2] ?? 2));
// XNNPACK's pool size is emscripten_num_logical_cores() / 2 (it assumes hyper-threading).
const realCpus = os.cpus;
if (process.env.DOUBLE_CPUS) os.cpus = () => [...realCpus(), ...realCpus()];
const ok = await tf.setBackend('wasm');
os.cpus = realCpus;
globalThis.Blob = RealBlob; URL.createObjectURL = realCreate;
console.log('ok', ok, 'threads', getThreadsCount(), tf.backend().wasm.tfjs.getThreadsCount());
const x = tf.randomNormal([32, 64, 108, 16]), w = tf.randomNormal([3, 3, 16, 32]);
for (let i = 0; i < 4; i++) { const t0 = performance.now(); tf.conv2d(x, w, 1, 'same').dataSync(); console.log('conv2d [32,64,108,16]*[3,3,16,32] ms', (performance.now() - t0).toFixed(1)); }
process.exit(0);
