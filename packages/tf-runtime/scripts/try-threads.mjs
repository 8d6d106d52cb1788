import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
setWasmPaths(dir + '/');
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
setThreadsCount(2);
const t = setTimeout(() => { console.log('timeout'); process.exit(1); }, 15000);
try { const ok = await tf.setBackend('wasm'); console.log('ok', ok, tf.getBackend()); const b = tf.backend(); console.log('threads', b.wasm.tfjs.getThreadsCount()); 
const a = tf.randomNormal([512,512]); console.log(tf.matMul(a,a).sum().dataSync()); } catch (e) { console.log('ERR', e); }
clearTimeout(t); process.exit(0);
