import { readFileSync, readdirSync } from 'node:fs';
import { loadAudio, decodeAudio, resample, toMono } from '../dist/index.js';
import { npy, dbErr } from './mel.mjs';
const REF = '/work/shared/reference/librosa-0.11.0/';
for (const name of ['a_sine440','b_noise','c_chirp','d_0_george_0','d_7_jackson_32']) {
  const { y, sr } = await loadAudio(REF+name+'.wav'); const g = npy(REF+name+'_y.npy');
  let m=0, ss=0; for (let i=0;i<g.length;i++){ const e=y[i]-g[i]; m=Math.max(m,Math.abs(e)); ss+=e*e; }
  const e = dbErr(y,g);
  console.log(name, y.length, g.length, 'max', m.toExponential(2), 'rms', Math.sqrt(ss/g.length).toExponential(2), 'meanΔD', e.mean.toFixed(4), 'maxΔD', e.max.toFixed(3));
}
const dir='/work/shared/datasets/fsdd/recordings/'; const files=readdirSync(dir).slice(0,600).map(f=>readFileSync(dir+f));
for (const q of ['hq','medium','fast']) {
  for (let r=0;r<2;r++){ let td=0,tr=0; for (const b of files){ let t=performance.now(); const a=await decodeAudio(b,'x'); const m=toMono(a.channels); td+=performance.now()-t; t=performance.now(); resample(m,a.sampleRate,22050,q); tr+=performance.now()-t; }
  if (r) console.log(q,'decode µs/file', (td/files.length*1000).toFixed(0), 'resample µs/file', (tr/files.length*1000).toFixed(0)); }
}
const five=new Float32Array(220500); for(let i=0;i<five.length;i++) five[i]=Math.sin(i*0.01)*0.3;
for (const q of ['hq','medium','fast']) { resample(five,44100,22050,q); const t=performance.now(); for(let i=0;i<30;i++) resample(five,44100,22050,q); console.log('5s 44.1k', q, ((performance.now()-t)/30).toFixed(2),'ms'); }
