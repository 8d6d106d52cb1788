import { readFileSync } from 'node:fs';
export function npy(p){ const b=readFileSync(p); const hl=b.readUInt16LE(8); const off=10+hl; return new Float32Array(b.buffer.slice(b.byteOffset+off, b.byteOffset+b.length)); }
const fb = npy('/work/shared/reference/librosa-0.11.0/mel_fb_sr22050_nfft2048_nmels128.npy'); // 128 x 1025
function fft(re, im) { const n=re.length; for (let i=1,j=0;i<n;i++){ let bit=n>>1; for(;j&bit;bit>>=1) j^=bit; j^=bit; if(i<j){[re[i],re[j]]=[re[j],re[i]];[im[i],im[j]]=[im[j],im[i]];} }
  for (let len=2;len<=n;len<<=1){ const a=-2*Math.PI/len; for(let i=0;i<n;i+=len) for(let k=0;k<len/2;k++){ const wr=Math.cos(a*k), wi=Math.sin(a*k); const xr=re[i+k+len/2]*wr-im[i+k+len/2]*wi, xi=re[i+k+len/2]*wi+im[i+k+len/2]*wr; re[i+k+len/2]=re[i+k]-xr; im[i+k+len/2]=im[i+k]-xi; re[i+k]+=xr; im[i+k]+=xi; } } }
export function melDb(y) { const n=2048, hop=512; const pad=new Float64Array(y.length+n); pad.set(y, n/2); const frames = 1+Math.floor(y.length/hop);
  const win=new Float64Array(n); for(let i=0;i<n;i++) win[i]=0.5-0.5*Math.cos(2*Math.PI*i/n);
  const S=new Float64Array(128*frames); let mx=0;
  for (let f=0;f<frames;f++){ const re=new Float64Array(n), im=new Float64Array(n); for(let i=0;i<n;i++) re[i]=pad[f*hop+i]*win[i]; fft(re,im);
    const p=new Float64Array(1025); for(let k=0;k<1025;k++) p[k]=re[k]*re[k]+im[k]*im[k];
    for(let m=0;m<128;m++){ let s=0; for(let k=0;k<1025;k++) s+=fb[m*1025+k]*p[k]; S[m*frames+f]=s; if(s>mx) mx=s; } }
  const D=new Float64Array(S.length); for(let i=0;i<S.length;i++) D[i]=10*Math.log10(Math.max(S[i],1e-10))-10*Math.log10(Math.max(mx,1e-10));
  for(let i=0;i<D.length;i++) D[i]=Math.max(D[i],-80); return D; }
export function dbErr(y, gy) { const a=melDb(y), g=melDb(gy); let s=0,n=0,m=0; for(let i=0;i<g.length;i++) if(g[i]>-60){ const e=Math.abs(a[i]-g[i]); s+=e; n++; m=Math.max(m,e);} return {mean:s/n, max:m}; }
