// Power/magnitude mel spectrogram frames in WebAssembly SIMD, two frames at a time.
//
// Each f64x2 lane holds one frame, so every lane runs exactly the float64 operations of the
// TypeScript path (PackedRealFft.forwardWindowed + split, magnitudePower, applySparse) in the same
// order, with no fused multiply-add: the output is bit-identical to it, about twice as fast.
// Built by scripts/build-wasm.mjs (clang --target=wasm32 -msimd128 -ffp-contract=off).

typedef double v2 __attribute__((vector_size(16)));

// Plan tables and scratch, laid out by the caller in this module's memory.
typedef struct {
  int m;                  // complex FFT size (nFft / 2), a power of two >= 4
  int n_mels;
  int power;              // 1 (magnitude) or 2 (power)
  const double *window;   // nFft: periodic Hann, zero outside winLength
  const int *bit_reverse; // m
  const double *cos_t;    // m / 2: cos(2πk/m)
  const double *sin_t;    // m / 2: -sin(2πk/m)
  const double *split_cos; // m + 1: cos(2πk/nFft)
  const double *split_sin; // m + 1: sin(2πk/nFft)
  const int *mel_start;   // n_mels: first bin of each filter
  const int *mel_offsets; // n_mels + 1: filter m's weights are weights[offsets[m] .. offsets[m+1])
  const double *mel_weights;
  v2 *zr;                 // m
  v2 *zi;                 // m
  v2 *spectrum;           // m + 1
} Plan;

static inline v2 splat(double x) { return (v2){x, x}; }

// Windowed frames at f0 and f1, bit-reverse loaded, with the first two radix-2 stages fused in.
static void load_first_stages(const Plan *p, const float *f0, const float *f1) {
  const int m = p->m;
  const double *w = p->window;
  v2 *zr = p->zr, *zi = p->zi;
  for (int q = 0; q < m; q += 4) {
    int j0 = 2 * p->bit_reverse[q], j1 = 2 * p->bit_reverse[q + 1];
    int j2 = 2 * p->bit_reverse[q + 2], j3 = 2 * p->bit_reverse[q + 3];
    v2 x0r = splat(w[j0]) * (v2){f0[j0], f1[j0]};
    v2 x0i = splat(w[j0 + 1]) * (v2){f0[j0 + 1], f1[j0 + 1]};
    v2 x1r = splat(w[j1]) * (v2){f0[j1], f1[j1]};
    v2 x1i = splat(w[j1 + 1]) * (v2){f0[j1 + 1], f1[j1 + 1]};
    v2 x2r = splat(w[j2]) * (v2){f0[j2], f1[j2]};
    v2 x2i = splat(w[j2 + 1]) * (v2){f0[j2 + 1], f1[j2 + 1]};
    v2 x3r = splat(w[j3]) * (v2){f0[j3], f1[j3]};
    v2 x3i = splat(w[j3 + 1]) * (v2){f0[j3 + 1], f1[j3 + 1]};
    v2 a0r = x0r + x1r, a0i = x0i + x1i, a1r = x0r - x1r, a1i = x0i - x1i;
    v2 a2r = x2r + x3r, a2i = x2i + x3i, a3r = x2r - x3r, a3i = x2i - x3i;
    zr[q] = a0r + a2r;
    zi[q] = a0i + a2i;
    zr[q + 2] = a0r - a2r;
    zi[q + 2] = a0i - a2i;
    zr[q + 1] = a1r + a3i;
    zi[q + 1] = a1i - a3r;
    zr[q + 3] = a1r - a3i;
    zi[q + 3] = a1i + a3r;
  }
}

// Remaining stages: fused pairs of radix-2 stages, then a last radix-2 stage if one is left.
static void later_stages(const Plan *p) {
  const int m = p->m;
  v2 *re = p->zr, *im = p->zi;
  int half = 4;
  for (; 4 * half <= m; half <<= 2) {
    const int L = half, block = 4 * L, step2 = m / (2 * L), step4 = step2 >> 1;
    for (int j = 0; j < L; j++) {
      const v2 w2r = splat(p->cos_t[j * step2]), w2i = splat(p->sin_t[j * step2]);
      const v2 w4r = splat(p->cos_t[j * step4]), w4i = splat(p->sin_t[j * step4]);
      for (int i0 = j; i0 < m; i0 += block) {
        const int i1 = i0 + L, i2 = i1 + L, i3 = i2 + L;
        v2 x0r = re[i0], x0i = im[i0], x1r = re[i1], x1i = im[i1];
        v2 x2r = re[i2], x2i = im[i2], x3r = re[i3], x3i = im[i3];
        v2 t1r = x1r * w2r - x1i * w2i, t1i = x1r * w2i + x1i * w2r;
        v2 t3r = x3r * w2r - x3i * w2i, t3i = x3r * w2i + x3i * w2r;
        v2 a0r = x0r + t1r, a0i = x0i + t1i, a1r = x0r - t1r, a1i = x0i - t1i;
        v2 a2r = x2r + t3r, a2i = x2i + t3i, a3r = x2r - t3r, a3i = x2i - t3i;
        v2 u2r = a2r * w4r - a2i * w4i, u2i = a2r * w4i + a2i * w4r;
        v2 v3r = a3r * w4r - a3i * w4i, v3i = a3r * w4i + a3i * w4r;
        re[i0] = a0r + u2r;
        im[i0] = a0i + u2i;
        re[i2] = a0r - u2r;
        im[i2] = a0i - u2i;
        re[i1] = a1r + v3i;
        im[i1] = a1i - v3r;
        re[i3] = a1r - v3i;
        im[i3] = a1i + v3r;
      }
    }
  }
  if (half < m) {
    for (int j = 0; j < half; j++) {
      const v2 wr = splat(p->cos_t[j]), wi = splat(p->sin_t[j]);
      const int k = j + half;
      v2 xr = re[k] * wr - im[k] * wi, xi = re[k] * wi + im[k] * wr;
      v2 ar = re[j], ai = im[j];
      re[j] = ar + xr;
      im[j] = ai + xi;
      re[k] = ar - xr;
      im[k] = ai - xi;
    }
  }
}

static inline v2 spectral_value(v2 r, v2 i, int power) {
  v2 s = r * r + i * i;
  return power == 2 ? s : __builtin_wasm_sqrt_f64x2(s);
}

// Real-spectrum split (as PackedRealFft.split) fused with |X|^power into p->spectrum.
static void split_power(const Plan *p) {
  const int m = p->m, power = p->power;
  const v2 *zr = p->zr, *zi = p->zi;
  v2 *out = p->spectrum;
  const v2 zero = splat(0.0), half = splat(0.5), minus_half = splat(-0.5);
  out[0] = spectral_value(zr[0] + zi[0], zero, power);
  out[m] = spectral_value(zr[0] - zi[0], zero, power);
  for (int k = 1, q = m - 1; k <= q; k++, q--) {
    v2 ar = zr[k], ai = zi[k], cr = zr[q], ci = zi[q];
    v2 er = half * (ar + cr), ei = half * (ai - ci);
    v2 or_ = half * (ai + ci), oi = minus_half * (ar - cr);
    v2 wr = splat(p->split_cos[k]), wi = splat(-p->split_sin[k]);
    v2 tr = or_ * wr - oi * wi, ti = or_ * wi + oi * wr;
    out[k] = spectral_value(er + tr, ei + ti, power);
    out[q] = spectral_value(er - tr, ti - ei, power);
  }
}

// `count` mel frames of `framed` (the already padded signal, frame t at t·hop), written as
// float32 to out[mel · stride + t].
__attribute__((export_name("mel_frames")))
void mel_frames(const Plan *p, const float *framed, int hop, int count, int stride, float *out) {
  const int n_mels = p->n_mels;
  for (int t = 0; t < count; t += 2) {
    const int pair = t + 1 < count;
    const float *f0 = framed + (long)t * hop;
    load_first_stages(p, f0, pair ? f0 + hop : f0);
    later_stages(p);
    split_power(p);
    for (int mel = 0; mel < n_mels; mel++) {
      const int end = p->mel_offsets[mel + 1];
      v2 acc = splat(0.0);
      for (int w = p->mel_offsets[mel], k = p->mel_start[mel]; w < end; w++, k++) acc += splat(p->mel_weights[w]) * p->spectrum[k];
      out[mel * stride + t] = (float)acc[0];
      if (pair) out[mel * stride + t + 1] = (float)acc[1];
    }
  }
}
