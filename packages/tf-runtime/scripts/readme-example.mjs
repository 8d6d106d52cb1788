import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../dist/index.js';

const info = await initBackend({ backend: 'auto' }); // 'auto' | 'node' | 'wasm' | 'cpu'
console.log(info.backend, '-', info.reason);
// wasm - tfjs-node unavailable: The Node.js native addon module (tfjs_binding.node) can not be found …;
//        wasm auto (SIMD, 1 thread, repaired kernels: Conv2DBackpropFilter Conv2DBackpropInput …)

// A tiny conv net, 2 Adam steps.
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [16, 12, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 3 }),
] });
const x = tf.randomNormal([8, 16, 12, 1], 0, 1, 'float32', 1);
const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
const optimizer = tf.train.adam(1e-3);
for (let step = 0; step < 2; step++) {
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)), true);
  console.log(`step ${step}: loss ${loss.dataSync()[0].toFixed(4)}`);
}
