// A/B of kernel subsets within one process: node scripts/ab.mjs T "setA" "setB" (comma lists, 'all')
import * as tf from '@tensorflow/tfjs';
import { initBackend, repairedKernelList } from '../dist/index.js';
const T = Number(process.argv[2] ?? 44);
const sets = process.argv.slice(3).map(s => s === 'all' ? repairedKernelList().map(k => k.name) : s.split(','));
const B = 32, nClasses = 10;
await initBackend({ backend: 'wasm' });
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [128, T, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 128, activation: 'relu' }),
  tf.layers.dense({ units: nClasses }),
]});
const opt = tf.train.adam(1e-3);
const x = tf.randomNormal([B, 128, T, 1]);
const y = tf.oneHot(tf.randomUniform([B], 0, nClasses, 'int32'), nClasses);
const step = () => tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true).dataSync()[0]);
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const best = sets.map(() => Infinity), kern = sets.map(() => ({})), mins = sets.map(() => []);
for (let r = 0; r < Number(process.env.ROUNDS ?? 4); r++) for (let i = 0; i < sets.length; i++) {
  await initBackend({ backend: 'wasm', repairWasm: sets[i] });
  step();
  const c0 = cpu(); step(); best[i] = Math.min(best[i], cpu() - c0);
  { const p = await tf.profile(step); p.kernels.forEach((k, j) => { mins[i][j] = [k.name, Math.min(mins[i][j]?.[1] ?? Infinity, k.kernelTimeMs), JSON.stringify(k.inputShapes)]; }); }
}
for (let i = 0; i < sets.length; i++) { for (const [n, t] of mins[i]) kern[i][n] = (kern[i][n] ?? 0) + t; }
if (process.env.DETAIL) for (let i = 0; i < sets.length; i++) console.log(mins[i].slice().sort((a,b)=>b[1]-a[1]).slice(0,14).map(([n,t,s])=>`${n.padEnd(22)} ${t.toFixed(1).padStart(6)} ${s}`).join('\n'));
sets.forEach((s, i) => console.log(best[i].toFixed(0).padStart(6), 'ms cpu', s.join(','), '\n   ', Object.entries(kern[i]).sort((a,b)=>b[1]-a[1]).slice(0,8).map(([k,v])=>`${k} ${v.toFixed(0)}`).join(', ')));
