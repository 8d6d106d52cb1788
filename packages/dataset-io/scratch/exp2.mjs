import { readFileSync } from 'node:fs';
import decode from 'audio-decode';
import Speex from '@echogarden/speex-resampler-wasm/simd';
const REF = '/work/shared/reference/librosa-0.11.0/';
function npy(p){ const b=readFileSync(p); const hl=b.readUInt16LE(8); const off=10+hl; return new Float32Array(b.buffer.slice(b.byteOffset+off, b.byteOffset+b.length)); }
const M = await Speex();
function speex(x, from, to, q) {
  const errp = M._malloc(4);
  const st = M._speex_resampler_init(1, from, to, q, errp);
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
  M._free(inP); M._free(outP); M._free(inLenP); M._free(outLenP); M._free(errp); M._speex_resampler_destroy(st);
  return y;
}
for (const name of ['c_chirp','d_0_george_0','d_7_jackson_32']) {
  const a = await decode(readFileSync(REF+name+'.wav'));
  const g = npy(REF+name+'_y.npy'); const x=a.channelData[0];
  for (const q of [3,5,7,8,9,10]) {
    let y = speex(x,a.sampleRate,22050,q);
    const N=100; let t=performance.now(); for(let i=0;i<N;i++) y=speex(x,a.sampleRate,22050,q); const tr=(performance.now()-t)/N;
    let best=null;
    for (let s=-3;s<=3;s++){ let m=0,ss=0,n=0; for(let i=10;i<g.length-10;i++){const j=i+s; if(j<0||j>=y.length) continue; const e=y[j]-g[i]; m=Math.max(m,Math.abs(e)); ss+=e*e; n++;} const r=Math.sqrt(ss/n); if(!best||r<best.r) best={s,m,r}; }
    console.log(name,'q',q,'len',y.length,g.length,'ms',tr.toFixed(3),'shift',best.s,'max',best.m.toExponential(2),'rms',best.r.toExponential(2));
  }
}
