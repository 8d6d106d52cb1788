import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../dist/index.js';
await initBackend({ backend: 'wasm' });
function time(label, f, n = 7) { tf.tidy(() => f().dataSync()); const ts = []; for (let i = 0; i < n; i++) { const c0 = process.cpuUsage(); tf.tidy(() => { const r = f(); r.dataSync(); }); const c = process.cpuUsage(c0); ts.push((c.user + c.system) / 1000); } ts.sort((a,b)=>a-b); console.log(label.padEnd(50), ts[Math.floor(n/2)].toFixed(1)); }
const T = Number(process.argv[2] ?? 44);
const N2 = 32*64*(T>>1);
const p2 = tf.randomNormal([144, N2]); const g2r = tf.randomNormal([N2, 32]);
const p2T = tf.randomNormal([N2, 144]); const g2T = tf.randomNormal([32, N2]);
time('add copy', () => g2r.add(0));
time('mm [144,N2]x[N2,32] cached', () => tf.matMul(p2, g2r));
time('mm [144,N2]x[N2,32] fresh b', () => tf.matMul(p2, g2r.add(0)));
time('mm [32,N2]x[N2,144] fresh b', () => tf.matMul(g2T, p2T.add(0)));
time('mm [32,N2]x[N2,144] cached', () => tf.matMul(g2T, p2T));
const w = tf.randomNormal([144, 32]);
time('mm [N2,144]x[144,32] fresh', () => tf.matMul(p2T, w.add(0)));
