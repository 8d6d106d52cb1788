// Frequency conversions of librosa/core/convert.py, in float64.

const F_SP = 200.0 / 3;
const MIN_LOG_HZ = 1000.0;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27.0;

/** `librosa.hz_to_mel`: Slaney (linear below 1 kHz, log above) or HTK. */
export function hzToMel(hz: number, htk = false): number {
  if (htk) return 2595.0 * Math.log10(1.0 + hz / 700.0);
  if (hz >= MIN_LOG_HZ) return MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP;
  return hz / F_SP;
}

/** `librosa.mel_to_hz`. */
export function melToHz(mel: number, htk = false): number {
  if (htk) return 700.0 * (Math.pow(10.0, mel / 2595.0) - 1.0);
  if (mel >= MIN_LOG_MEL) return MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL));
  return F_SP * mel;
}

/** `librosa.mel_frequencies`: nMels frequencies evenly spaced on the mel scale (np.linspace semantics). */
export function melFrequencies(nMels: number, fmin = 0, fmax = 11025, htk = false): Float64Array {
  const minMel = hzToMel(fmin, htk);
  const maxMel = hzToMel(fmax, htk);
  const out = new Float64Array(nMels);
  const step = nMels > 1 ? (maxMel - minMel) / (nMels - 1) : 0;
  for (let i = 0; i < nMels; i++) {
    const mel = nMels > 1 && i === nMels - 1 ? maxMel : i * step + minMel;
    out[i] = melToHz(mel, htk);
  }
  return out;
}

/** `librosa.fft_frequencies` (= np.fft.rfftfreq(nFft, 1/sr)). */
export function fftFrequencies(sr: number, nFft: number): Float64Array {
  const bins = Math.floor(nFft / 2) + 1;
  const val = 1.0 / (nFft * (1.0 / sr));
  const out = new Float64Array(bins);
  for (let k = 0; k < bins; k++) out[k] = k * val;
  return out;
}
