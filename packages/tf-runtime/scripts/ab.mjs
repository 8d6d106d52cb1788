// A/B of kernel subsets within one process: node scripts/ab.mjs T "setA" "setB" (comma lists, 'all')
import * as tf from '@tensorflow/tfjs';
import { seedCnnStep } from './seed-step.mjs';
import { initBackend, repairedKernelList } from '../dist/index.js';
const T = Number(process.argv[2] ?? 44);
const sets = process.argv.slice(3).map(s => s === 'all' ? repairedKernelList().map(k => k.name) : s.split(','));
await initBackend({ backend: 'wasm' });
const step = seedCnnStep(T);
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
