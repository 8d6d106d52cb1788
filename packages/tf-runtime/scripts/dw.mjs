import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../dist/index.js';
await initBackend({ backend: 'wasm' });
const T = Number(process.argv[2] ?? 216);
const x1 = tf.randomNormal([32,128,T,1]), g1 = tf.randomNormal([32,128,T,16]);
const x2 = tf.randomNormal([32, 64, T>>1, 16]), g2 = tf.randomNormal([32,64,T>>1,32]);
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const variants = (process.env.VARIANTS ?? 'gemm,batched').split(',');
for (const [name, x, g, fs] of [['conv1', x1, g1, [3,3,1,16]], ['conv2', x2, g2, [3,3,16,32]]]) {
  const best = {};
  for (let i = 0; i < 6; i++) for (const v of variants) {
    process.env.TFRT_DW = v;
    const gg = g.add(tf.scalar(0));
    const c0 = cpu();
    const r = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: gg }, { strides: [1,1], pad: 'same', dataFormat: 'NHWC', filterShape: fs });
    r.dataSync();
    const t = cpu() - c0; best[v] = Math.min(best[v] ?? Infinity, t);
    gg.dispose(); r.dispose();
  }
  console.log(name, JSON.stringify(best));
}
