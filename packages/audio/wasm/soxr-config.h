/* soxr-config.h for the WebAssembly build of libsoxr 0.1.3 (scripts/build-soxr-wasm.mjs): the
 * configuration CMake writes from soxr-config.h.in, reduced to what earshot's soxr_hq path runs.
 * Only the single-precision SIMD engine (cr32s, with PFFFT) is built: it is the engine Debian's
 * x86-64 libsoxr0 picks for SOXR_HQ, and its SSE code compiles to WebAssembly SIMD through
 * emscripten's xmmintrin.h. With WITH_CR32 = 0 soxr.c does no CPU detection (it has no cpuid here)
 * and takes cr32s unconditionally; WITH_CR64 = 0 makes every quality use it (we only ask for HQ).
 * WITH_DEV_TRACE = 0 keeps stderr (and the WASI fd imports) out of the module. */
#if !defined soxr_config_included
#define soxr_config_included

#define AVCODEC_FOUND 0
#define AVUTIL_FOUND 0
#define WITH_PFFFT 1

#define HAVE_FENV_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_STDINT_H 1
#define HAVE_LRINT 1
#define HAVE_BIGENDIAN 0

#define WITH_CR32 0
#define WITH_CR32S 1
#define WITH_CR64 0
#define WITH_CR64S 0
#define WITH_VR32 0

#define WITH_HI_PREC_CLOCK 1
#define WITH_FLOAT_STD_PREC_CLOCK 0
#define WITH_DEV_TRACE 0

#endif
