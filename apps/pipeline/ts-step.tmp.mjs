import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@earshot/tf-runtime';
import { buildModel } from '@earshot/model-cnn';
import { arraySource, train } from '@earshot/trainer';
const [frames, workers, steps = 8, warm = 2] = process.argv.slice(2).map(Number);
await initBackend({ backend: 'wasm' });
const n = 32 * (steps + warm);
const data = new Float32Array(n * 128 * frames).map(() => Math.random() - 0.5);
const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
const model = buildModel({ name: 'seed-cnn' }, { inputShape: [128, frames], nClasses: 10, seed: 0 });
const times = []; let last = 0, lastCpu = null; const cpu = [];
let t0 = performance.now(); let c0 = process.cpuUsage();
await train({ model, train: arraySource(data, labels, [128, frames]), epochs: 1, batchSize: 32, lr: 1e-3, seed: 0,
  ...(workers > 0 && { parallel: { workers } }),
  onBatchEnd: (b) => { const t = performance.now(); const c = process.cpuUsage(); times.push(t - t0); cpu.push((c.user + c.system - c0.user - c0.system) / 1000); t0 = t; c0 = c; } });
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const w = times.slice(warm), c = cpu.slice(warm);
console.log(JSON.stringify({ frames, workers, wallMs: +med(w).toFixed(1), cpuMs: +med(c).toFixed(1), all: w.map((x) => Math.round(x)) }));
