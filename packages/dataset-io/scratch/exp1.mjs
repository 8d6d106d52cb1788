import { readFileSync } from 'node:fs';
import decode from 'audio-decode';
import LSR from '@alexanderolsen/libsamplerate-js'; const { create, ConverterType } = LSR;
const REF = '/work/shared/reference/librosa-0.11.0/';
function npy(p){ const b=readFileSync(p); const hl=b.readUInt16LE(8); const h=b.subarray(10,10+hl).toString(); const off=10+hl; return {h, data:new Float32Array(b.buffer.slice(b.byteOffset+off, b.byteOffset+b.length))}; }
for (const name of ['a_sine440','c_chirp','d_0_george_0','d_7_jackson_32']) {
  const bytes = readFileSync(REF+name+'.wav');
  let t=performance.now();
  const a = await decode(bytes);
  const td = performance.now()-t;
  const g = npy(REF+name+'_y.npy').data;
  const x = a.channelData[0];
  console.log(name, a.sampleRate, x.length, 'golden', g.length, 'decode ms', td.toFixed(2));
  if (a.sampleRate===22050) { let m=0; for (let i=0;i<x.length;i++) m=Math.max(m,Math.abs(x[i]-g[i])); console.log(' native maxerr', m); continue; }
  for (const [qn,q] of Object.entries(ConverterType).slice(0,3)) {
    const src = await create(1, a.sampleRate, 22050, {converterType:q});
    let y = src.simple(x);
    const N=200; t=performance.now(); for(let i=0;i<N;i++) y=src.simple(x); const tr=(performance.now()-t)/N;
    src.destroy();
    // error with best shift
    let best=null;
    for (let s=-3;s<=3;s++){ let m=0,ss=0,n=0; for(let i=10;i<g.length-10;i++){const j=i+s; if(j<0||j>=y.length) continue; const e=y[j]-g[i]; m=Math.max(m,Math.abs(e)); ss+=e*e; n++;} const r=Math.sqrt(ss/n); if(!best||r<best.r) best={s,m,r}; }
    console.log(' ',qn,'len',y.length,'ms',tr.toFixed(3),'shift',best.s,'max',best.m.toExponential(2),'rms',best.r.toExponential(2));
  }
}
