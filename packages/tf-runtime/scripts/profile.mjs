// Profiles one seed-CNN training step: node scripts/profile.mjs [wasm|wasm-stock|cpu] [T]
import * as tf from '@tensorflow/tfjs';
import { seedCnnStep } from './seed-step.mjs';
import { initBackend } from '../dist/index.js';
const which = process.argv[2] ?? 'wasm';
const info = await initBackend({ backend: which === 'wasm-stock' ? 'wasm' : which, repairWasm: which !== 'wasm-stock' });
console.log(info.reason);
const T = Number(process.argv[3] ?? 44);
const step = seedCnnStep(T);
try { step(); step(); } catch (e) { console.log('FAIL', e.message); process.exit(0); }
const times = [];
for (let i = 0; i < 5; i++) { const t0 = performance.now(); step(); times.push(performance.now() - t0); }
console.log('step ms', times.map(t => t.toFixed(0)).join(' '));
const prof = await tf.profile(() => { step(); });
const agg = {};
for (const k of prof.kernels) { agg[k.name] = (agg[k.name] ?? 0) + k.kernelTimeMs; }
console.log(Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 16).map(([k, v]) => `${k.padEnd(24)} ${v.toFixed(1)}`).join('\n'));
if (process.env.DETAIL) {
  const calls = prof.kernels.map(k => [k.name, k.kernelTimeMs, JSON.stringify(k.inputShapes)]).sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [n, t, s] of calls) console.log(n.padEnd(22), t.toFixed(1).padStart(6), s);
}
