import { readFileSync } from 'node:fs';
import decode from 'audio-decode';
import Speex from '@echogarden/speex-resampler-wasm/simd';
import SpeexN from '@echogarden/speex-resampler-wasm';
const REF = '/work/shared/reference/librosa-0.11.0/';
function npy(p){ const b=readFileSync(p); const hl=b.readUInt16LE(8); const off=10+hl; return new Float32Array(b.buffer.slice(b.byteOffset+off, b.byteOffset+b.length)); }
for (const [mn, M] of [['simd', await Speex()], ['nonsimd', await SpeexN()]]) {
const cache = new Map();
function speex(x, from, to, q) {
  const key = `${from}:${to}:${q}`; let st = cache.get(key);
  if (!st) { const errp = M._malloc(4); st = M._speex_resampler_init(1, from, to, q, errp); M._free(errp); cache.set(key, st); }
  else M._speex_resampler_reset_mem(st);
  M._speex_resampler_skip_zeros(st);
  const lat = M._speex_resampler_get_input_latency(st);
  const outLen = Math.ceil(x.length*to/from);
  const inN = x.length + lat;
  const inP = M._malloc(inN*4), outP = M._malloc((outLen+16)*4), inLenP = M._malloc(4), outLenP = M._malloc(4);
  M.HEAPF32.set(x, inP>>2); M.HEAPF32.fill(0, (inP>>2)+x.length, (inP>>2)+inN);
  M.HEAPU32[inLenP>>2] = inN; M.HEAPU32[outLenP>>2] = outLen;
  M._speex_resampler_process_float(st, 0, inP, inLenP, outP, outLenP);
  const got = M.HEAPU32[outLenP>>2];
  const y = M.HEAPF32.slice(outP>>2, (outP>>2)+outLen); if (got<outLen) y.fill(0,got);
  M._free(inP); M._free(outP); M._free(inLenP); M._free(outLenP);
  return y;
}
const five = new Float32Array(220500); for (let i=0;i<five.length;i++) five[i]=Math.sin(i*0.01)*0.3+ (Math.random()-0.5)*0.1;
for (const name of ['d_0_george_0','five']) {
  let x, sr;
  if (name==='five') { x=five; sr=44100; } else { const a = await decode(readFileSync(REF+name+'.wav')); x=a.channelData[0]; sr=a.sampleRate; }
  for (const q of [5,6,7,8]) {
    let y = speex(x,sr,22050,q); for(let i=0;i<20;i++) y=speex(x,sr,22050,q);
    const N=200; let t=performance.now(); for(let i=0;i<N;i++) y=speex(x,sr,22050,q); const tr=(performance.now()-t)/N;
    console.log(mn, name,'q',q,'ms',tr.toFixed(3));
  }
}
}
