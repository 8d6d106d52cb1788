// Our real FFT (createRealFft) vs fft.js (npm, indutny), and a whole mel spectrogram on each, in one
// run on the same inputs. `pnpm --filter @earshot/features-mel bench` (builds dist first).
// Times are the best of several timed loops after a warm-up (the median is printed beside it);
// candidates alternate loop by loop so that drift in the machine's load hits all of them alike.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import FFT from 'fft.js';
import {
  applySparse,
  createMelExtractor,
  createRealFft,
  frameCount,
  hannWindow,
  melFilterbank,
  powerToDb,
  toSparse,
} from '../dist/index.js';

const SR = 22050;
const N_FFT = 2048;
const HOP = 512;
const N_MELS = 128;
const BINS = N_FFT / 2 + 1;

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** Noise-like test signal: a xorshift32 stream in [-0.5, 0.5) plus a 440 Hz tone, deterministic per seed. */
function signal(length, seed) {
  let s = seed >>> 0 || 1;
  const y = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    y[i] = (s >>> 0) / 2 ** 32 - 0.5 + 0.25 * Math.sin((2 * Math.PI * 440 * i) / SR);
  }
  return y;
}

/**
 * Times `loop(reps)` of every candidate, alternating candidates round by round; returns per-call
 * figures in ns (best and median over the rounds).
 */
function race(candidates, { reps, rounds, warmup }) {
  for (const c of candidates) c.loop(warmup);
  const samples = candidates.map(() => []);
  for (let r = 0; r < rounds; r++) {
    candidates.forEach((c, i) => {
      const t0 = process.hrtime.bigint();
      c.loop(reps);
      samples[i].push(Number(process.hrtime.bigint() - t0) / reps);
    });
  }
  return candidates.map((c, i) => {
    const s = samples[i].sort((a, b) => a - b);
    return { name: c.name, best: s[0], median: s[s.length >> 1] };
  });
}

/** Float64 DFT bins 0..n/2 with exact twiddle indices (jk mod n) and compensated (Neumaier) sums. */
function referenceDft(x) {
  const n = x.length;
  const cos = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * i) / n));
  const sin = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * i) / n));
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  const add = (acc, v) => {
    const t = acc[0] + v;
    acc[1] += Math.abs(acc[0]) >= Math.abs(v) ? acc[0] - t + v : v - t + acc[0];
    acc[0] = t;
  };
  for (let k = 0; k <= n / 2; k++) {
    const r = [0, 0];
    const i = [0, 0];
    for (let j = 0; j < n; j++) {
      const w = (j * k) % n;
      add(r, x[j] * cos[w]);
      add(i, -x[j] * sin[w]);
    }
    re[k] = r[0] + r[1];
    im[k] = i[0] + i[1];
  }
  return { re, im };
}

/** max |a − b| over bins 0..n/2; fft.js output is interleaved re, im. */
function maxDiff(a, b) {
  let max = 0;
  for (let k = 0; k < BINS; k++) max = Math.max(max, Math.abs(a.re[k] - b.re[k]), Math.abs(a.im[k] - b.im[k]));
  return max;
}
const fromInterleaved = (out) => ({
  re: Float64Array.from({ length: BINS }, (_, k) => out[2 * k]),
  im: Float64Array.from({ length: BINS }, (_, k) => out[2 * k + 1]),
});

const fmt = (v, digits = 1) => v.toFixed(digits).padStart(9);
const sci = (v) => (v === 0 ? '0' : v.toExponential(1));

console.log(`# FFT ${N_FFT}: ours (createRealFft) vs fft.js ${JSON.parse(readFileSync(new URL('../node_modules/fft.js/package.json', import.meta.url), 'utf8')).version}`);
console.log(`node ${process.version} | ${cpuModel()} | ${cpus().length} cpus | load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} | ${new Date().toISOString()}`);

// ---------------------------------------------------------------- (a) one 2048-point real FFT
{
  const frameF32 = signal(N_FFT, 7);
  const x = Float64Array.from(frameF32);
  const window = hannWindow(N_FFT);
  const ours = createRealFft(N_FFT);
  const re = new Float64Array(BINS);
  const im = new Float64Array(BINS);
  const fj = new FFT(N_FFT);
  const out = new Float64Array(2 * N_FFT); // realTransform writes bins 0..n/2 (and uses the rest as scratch)
  const windowed = new Float64Array(N_FFT);

  // Exactness over 8 frames (the timed one first): worst |Δ| of re/im relative to each frame's max |X|.
  const errors = { ours: 0, fftjs: 0, between: 0 };
  for (let f = 0; f < 8; f++) {
    const xf = f === 0 ? x : Float64Array.from(signal(N_FFT, 100 + f));
    const ref = referenceDft(xf);
    ours.forward(xf, re, im);
    const oursOut = { re: Float64Array.from(re), im: Float64Array.from(im) };
    fj.realTransform(out, xf);
    const fjOut = fromInterleaved(out);
    let peak = 0;
    for (let k = 0; k < BINS; k++) peak = Math.max(peak, Math.hypot(ref.re[k], ref.im[k]));
    errors.ours = Math.max(errors.ours, maxDiff(oursOut, ref) / peak);
    errors.fftjs = Math.max(errors.fftjs, maxDiff(fjOut, ref) / peak);
    errors.between = Math.max(errors.between, maxDiff(oursOut, fjOut) / peak);
  }

  const results = race(
    [
      { name: 'ours   forward(x, re, im)', loop: (n) => { for (let i = 0; i < n; i++) ours.forward(x, re, im); } },
      { name: 'fft.js realTransform(out, x)', loop: (n) => { for (let i = 0; i < n; i++) fj.realTransform(out, x); } },
      {
        name: 'ours   forwardWindowed(f32 frame)',
        loop: (n) => { for (let i = 0; i < n; i++) ours.forwardWindowed(frameF32, 0, window, re, im); },
      },
      {
        name: 'fft.js window loop + realTransform',
        loop: (n) => {
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < N_FFT; j++) windowed[j] = window[j] * frameF32[j];
            fj.realTransform(out, windowed);
          }
        },
      },
    ],
    { reps: 500, rounds: 25, warmup: 5000 },
  );
  console.log(`\n## (a) ${N_FFT}-point real FFT -> ${BINS} bins, float64; ns per transform (best of 25 loops of 500; median)`);
  for (const r of results) console.log(`${r.name.padEnd(36)} ${fmt(r.best, 0)} ns  (median ${r.median.toFixed(0)})`);
  console.log('exactness, 8 noise frames: max |Δ| of re/im / max |X| vs a float64 reference DFT (compensated sums)');
  console.log(`  ours ${sci(errors.ours)}, fft.js ${sci(errors.fftjs)}; ours vs fft.js ${sci(errors.between)} (float32 output rounding: 6.0e-8)`);
}

// ---------------------------------------------------------------- (b) whole mel spectrogram
/**
 * Mel spectrogram on a plain frame loop (center=True, zero padding): window → `transform` → |X|² →
 * our sparse filterbank, in the TypeScript path's float order.
 */
function loopMel(transform) {
  const window = hannWindow(N_FFT);
  const fb = toSparse(melFilterbank({ sr: SR, nFft: N_FFT, nMels: N_MELS }));
  const frame = new Float64Array(N_FFT);
  const spectrum = new Float64Array(BINS);
  const column = new Float64Array(N_MELS);
  return (y) => {
    const cols = frameCount(y.length, { nFft: N_FFT, hopLength: HOP });
    const data = new Float32Array(N_MELS * cols);
    const n = y.length;
    for (let t = 0; t < cols; t++) {
      const offset = t * HOP - N_FFT / 2;
      if (offset >= 0 && offset + N_FFT <= n) {
        for (let i = 0; i < N_FFT; i++) frame[i] = window[i] * y[offset + i];
      } else {
        for (let i = 0; i < N_FFT; i++) {
          const j = offset + i;
          frame[i] = j >= 0 && j < n ? window[i] * y[j] : 0;
        }
      }
      transform(frame, spectrum);
      applySparse(fb, spectrum, column);
      for (let m = 0; m < N_MELS; m++) data[m * cols + t] = column[m];
    }
    return { data, rows: N_MELS, cols };
  };
}

function fftjsPower() {
  const fj = new FFT(N_FFT);
  const out = new Float64Array(2 * N_FFT);
  return (frame, spectrum) => {
    fj.realTransform(out, frame);
    for (let k = 0; k < BINS; k++) spectrum[k] = out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1];
  };
}

function oursPower() {
  const fft = createRealFft(N_FFT);
  const re = new Float64Array(BINS);
  const im = new Float64Array(BINS);
  return (frame, spectrum) => {
    fft.forward(frame, re, im);
    for (let k = 0; k < BINS; k++) spectrum[k] = re[k] * re[k] + im[k] * im[k];
  };
}

function maxAbsDiff(a, b) {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
function maxRelDiff(a, b) {
  let max = 0;
  for (let i = 0; i < a.length; i++) if (b[i] !== 0) max = Math.max(max, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return max;
}

{
  const opts = { sr: SR, nFft: N_FFT, hopLength: HOP, nMels: N_MELS };
  const wasm = createMelExtractor(opts);
  const ts = createMelExtractor(opts, { wasm: false });
  if (!wasm.usesWasm) console.log('!! this runtime has no WebAssembly SIMD: the "wasm" row runs the TypeScript path');
  const fjMel = loopMel(fftjsPower());
  const oursLoopMel = loopMel(oursPower());
  const clips = [
    { label: '5 s', y: signal(5 * SR, 11), reps: 10 },
    { label: '1 s', y: signal(SR, 13), reps: 50 },
  ];
  for (const { label, y, reps } of clips) {
    const candidates = [
      { name: 'ours, wasm SIMD kernel (compute)', mel: (v) => wasm.compute(v) },
      { name: 'ours, TypeScript path ({ wasm: false })', mel: (v) => ts.compute(v) },
      { name: 'fft.js realTransform, plain frame loop', mel: fjMel },
      { name: 'ours forward(), same plain frame loop', mel: oursLoopMel },
    ].map((c) => ({ ...c, loop: (n) => { for (let i = 0; i < n; i++) c.mel(y); } }));
    const results = race(candidates, { reps, rounds: 15, warmup: 5 * reps });
    const S = candidates.map((c) => c.mel(y));
    const D = S.map((s) => powerToDb(s, { ref: 'max' }).data);
    console.log(`\n## (b) mel spectrogram, ${label} clip (${y.length} samples, ${S[0].cols} frames, ${N_MELS} mels); ms per clip (best of 15 loops of ${reps}; median)`);
    console.log(`${''.padEnd(40)} ${'best'.padStart(9)}  ${'median'.padStart(7)}  max|Δ| S rel  max|Δ| dB (power_to_db ref=max)`);
    results.forEach((r, i) => {
      console.log(
        `${r.name.padEnd(40)} ${fmt(r.best / 1e6, 3)}  ${(r.median / 1e6).toFixed(3).padStart(7)}  ${sci(maxRelDiff(S[i].data, S[0].data)).padStart(12)}  ${sci(maxAbsDiff(D[i], D[0]))}`,
      );
    });
  }
}
