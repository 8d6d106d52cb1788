import { readFileSync } from 'node:fs';
import decode from 'audio-decode';
import Speex from '@echogarden/speex-resampler-wasm/simd';
import LSR from '@alexanderolsen/libsamplerate-js';
import { npy, dbErr, melDb } from './mel.mjs';
const REF = '/work/shared/reference/librosa-0.11.0/';
const M = await Speex();
function speex(x, from, to, q) {
  const errp = M._malloc(4); const st = M._speex_resampler_init(1, from, to, q, errp);
  M._speex_resampler_skip_zeros(st); const lat = M._speex_resampler_get_input_latency(st);
  const outLen = Math.ceil(x.length*to/from); const inN = x.length + lat;
  const inP = M._malloc(inN*4), outP = M._malloc((outLen+16)*4), inLenP = M._malloc(4), outLenP = M._malloc(4);
  M.HEAPF32.set(x, inP>>2); M.HEAPF32.fill(0, (inP>>2)+x.length, (inP>>2)+inN);
  M.HEAPU32[inLenP>>2] = inN; M.HEAPU32[outLenP>>2] = outLen;
  M._speex_resampler_process_float(st, 0, inP, inLenP, outP, outLenP);
  const y = M.HEAPF32.slice(outP>>2, (outP>>2)+outLen); return y; }
// sanity: my mel on golden y vs golden D
{ const g=npy(REF+'d_0_george_0_y.npy'); const D=npy(REF+'d_0_george_0_D.npy'); const d=melDb(g); let m=0; for(let i=0;i<D.length;i++) m=Math.max(m,Math.abs(D[i]-d[i])); console.log('mel sanity max', m); }
for (const name of ['c_chirp','d_0_george_0','d_7_jackson_32']) {
  const a = await decode(readFileSync(REF+name+'.wav')); const x=a.channelData[0]; const g=npy(REF+name+'_y.npy');
  for (const q of [3,5,6,7,8,10]) { const y=speex(x,a.sampleRate,22050,q); const e=dbErr(y,g); console.log(name,'speex',q,'meanΔD',e.mean.toFixed(4),'max',e.max.toFixed(3)); }
  for (const q of [0,1,2]) { const src=await LSR.create(1,a.sampleRate,22050,{converterType:q}); const y0=src.simple(x); const y=new Float32Array(g.length); y.set(y0.subarray(0,g.length)); const e=dbErr(y,g); console.log(name,'lsr',q,'meanΔD',e.mean.toFixed(4),'max',e.max.toFixed(3)); }
}
