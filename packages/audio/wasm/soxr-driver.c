/* earshot's driver of libsoxr for WebAssembly: resamples mono float32 exactly as
 * packages/native/src/soxr/resample.cc does, which calls libsoxr as python-soxr 1.x's
 * `soxr.resample(y, in, out, 'soxr_hq')` does (librosa's default res_type): split-channel float32
 * I/O, SOXR_HQ with no flags, one channel, an output buffer of ilen·out/in + 1 samples, input in
 * chunks of max(1000, 48000·in/out), then one flush call with NULL input.
 * Built with libsoxr 0.1.3 by scripts/build-soxr-wasm.mjs; the TypeScript side is src/soxr-wasm.ts. */
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "soxr.h"

#define EXPORT(name) __attribute__((export_name(#name), visibility("default")))

/* soxr_create reads SOXR_* tuning variables from the environment; here there is none, which also
 * keeps the WASI environ imports out of the module. */
char *getenv(const char *name) {
  (void)name;
  return NULL;
}

/* soxr_create seeds its dither from time(0); dither only applies to integer output, never to the
 * float32 output used here, so a constant keeps the WASI clock import out of the module. */
time_t time(time_t *t) {
  if (t) *t = 0;
  return 0;
}

static const char *last_error = "";

static soxr_t create(double in_rate, double out_rate) {
  soxr_error_t err = NULL;
  const soxr_io_spec_t io_spec = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);
  const soxr_quality_spec_t quality_spec = soxr_quality_spec(SOXR_HQ, 0);
  soxr_t soxr = soxr_create(in_rate, out_rate, 1, &err, &io_spec, &quality_spec, NULL);
  if (err || !soxr) {
    last_error = err ? err : "failed";
    if (soxr) soxr_delete(soxr);
    return NULL;
  }
  return soxr;
}

EXPORT(earshot_malloc) void *earshot_malloc(size_t bytes) { return malloc(bytes); }

EXPORT(earshot_free) void earshot_free(void *p) { free(p); }

/* Resamples x[0..ilen) into y[0..olen), olen being python-soxr's (size_t)(ilen·out/in + 1) (the
 * caller computes it); returns the number of samples produced, or if libsoxr fails (message:
 * earshot_soxr_error) -1 in soxr_create, -2 in soxr_process, -3 in the flush. */
EXPORT(earshot_soxr_resample)
ptrdiff_t earshot_soxr_resample(const float *x, size_t ilen, double in_rate, double out_rate, float *y, size_t olen) {
  soxr_t soxr = create(in_rate, out_rate);
  if (!soxr) return -1;
  int stage = -2;
  const double div = 48000 * in_rate / out_rate;
  const size_t div_len = (size_t)(div > 1000. ? div : 1000.);
  size_t out_pos = 0, odone = 0;
  soxr_error_t err = NULL;
  for (size_t idx = 0; idx < ilen; idx += div_len) {
    const float *in_ptr = x + idx;
    float *out_ptr = y + out_pos;
    const size_t n = div_len < ilen - idx ? div_len : ilen - idx;
    err = soxr_process(soxr, &in_ptr, n, NULL, &out_ptr, olen - out_pos, &odone);
    if (err) break;
    out_pos += odone;
  }
  if (!err) {
    stage = -3;
    float *out_ptr = y + out_pos;
    err = soxr_process(soxr, NULL, 0, NULL, &out_ptr, olen - out_pos, &odone);
    if (!err) out_pos += odone;
  }
  soxr_delete(soxr);
  if (err) {
    last_error = err;
    return stage;
  }
  return (ptrdiff_t)out_pos;
}

/* The engine libsoxr runs for soxr_hq at these rates ("cr32s"), or NULL (see earshot_soxr_error). */
EXPORT(earshot_soxr_engine) const char *earshot_soxr_engine(double in_rate, double out_rate) {
  soxr_t soxr = create(in_rate, out_rate);
  if (!soxr) return NULL;
  const char *engine = soxr_engine(soxr);
  soxr_delete(soxr);
  return engine;
}

EXPORT(earshot_soxr_version) const char *earshot_soxr_version(void) { return soxr_version(); }

EXPORT(earshot_soxr_error) const char *earshot_soxr_error(void) { return last_error; }
