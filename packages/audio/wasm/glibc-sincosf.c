/* sinf and cosf as glibc 2.36 computes them on x86-64 CPUs with FMA (its __sinf_fma / __cosf_fma
 * ifunc variants), for the WebAssembly build of libsoxr (scripts/build-soxr-wasm.mjs).
 *
 * libsoxr's single-precision PFFFT computes its twiddle factors with sinf/cosf, so their last bit
 * reaches every resampled sample. Emscripten's libc (musl) rounds differently from glibc in a share
 * of arguments, which left most output samples 1 ulp away from the native library; this file
 * replaces them (the build maps sinf/cosf to these with -D).
 *
 * The algorithm and constants are glibc's sysdeps/ieee754/flt-32 (s_sinf.c, s_cosf.c, s_sincosf.h,
 * sincosf_poly.h, s_sincosf_data.c; Copyright (C) 2018-2022 Free Software Foundation, Inc.,
 * LGPL-2.1-or-later, as libsoxr). glibc builds the variant x86-64 runs on FMA CPUs with -mfma, and
 * GCC contracts a*b + c into fused multiply-adds; the fma() calls below are exactly the
 * contractions in Debian 12's libm.so.6 (read from its machine code), so the results are glibc's
 * bit for bit (checked against libm for all 2^32 floats). WebAssembly has no fused multiply-add and
 * musl's exact software fma() is slow (it made soxr_create 20 times slower), so each value is first
 * computed unfused, which is within FUSE_BOUND of the fused value, and recomputed with fma() only
 * when that interval straddles a float rounding boundary (a few calls in 10^4, mostly results near 0).
 * On CPUs without FMA glibc runs __sinf_sse2, the unfused evaluation: it differs from the fused one
 * for 34 of the 2^32 floats (cosines near their zeros beyond 17), none of them PFFFT twiddles. */
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  double sign[4];
  double hpi_inv; /* 2/PI · 2^24 (glibc's x86-64 build has no TOINT_INTRINSICS) */
  double hpi;     /* PI/2 */
  double c0, c1, s1, c2, s2, c3, s3, c4;
} sincos_t;

/* glibc's __sincosf_table (the second entry negates the cosine polynomial). */
static const sincos_t table[2] = {
  {{1.0, -1.0, -1.0, 1.0}, 0x1.45F306DC9C883p+23, 0x1.921FB54442D18p0,
   0x1p0, -0x1.ffffffd0c621cp-2, -0x1.555545995a603p-3, 0x1.55553e1068f19p-5,
   0x1.1107605230bc4p-7, -0x1.6c087e89a359dp-10, -0x1.994eb3774cf24p-13, 0x1.99343027bf8c3p-16},
  {{1.0, -1.0, -1.0, 1.0}, 0x1.45F306DC9C883p+23, 0x1.921FB54442D18p0,
   -0x1p0, 0x1.ffffffd0c621cp-2, -0x1.555545995a603p-3, -0x1.55553e1068f19p-5,
   0x1.1107605230bc4p-7, 0x1.6c087e89a359dp-10, -0x1.994eb3774cf24p-13, -0x1.99343027bf8c3p-16},
};

/* 4/PI to 192 bits (__inv_pio4). */
static const uint32_t inv_pio4[24] = {
  0xa2,       0xa2f9,     0xa2f983,   0xa2f9836e, 0xf9836e4e, 0x836e4e44, 0x6e4e4415, 0x4e441529,
  0x441529fc, 0x1529fc27, 0x29fc2757, 0xfc2757d1, 0x2757d1f5, 0x57d1f534, 0xd1f534dd, 0xf534ddc0,
  0x34ddc0db, 0xddc0db62, 0xc0db6295, 0xdb629599, 0x6295993c, 0x95993c43, 0x993c4390, 0x3c439041,
};

static const double pi63 = 0x1.921FB54442D18p-62;

static inline uint32_t asuint(float f) {
  uint32_t i;
  memcpy(&i, &f, sizeof i);
  return i;
}

static inline uint32_t abstop12(float x) { return (asuint(x) >> 20) & 0x7ff; }

/* a·b + c, fused (rounded once, as glibc's FMA build) or not (rounded twice; -ffp-contract=off). */
static inline double madd(double a, double b, double c, int fused) { return fused ? fma(a, b, c) : a * b + c; }

/* |fused − unfused| bound for the double results below. Where x is reduced, x − n·PI/2 (|n·PI/2| <
 * 121) differs by at most an ulp of 121, 2^-46, and the polynomials (terms below 1) by a few 2^-53:
 * the largest difference over all floats is 2^-47. Below PI/4 there is no reduction and every term
 * of the sine scales with x: the difference is a few ulps of the result. 2^-40 (absolute, or
 * relative below PI/4) leaves a wide margin. */
#define FUSE_BOUND 0x1p-40

static inline double reduce_fast(double x, const sincos_t *p, int *np, int fused) {
  double r = x * p->hpi_inv;
  int n = ((int32_t)r + 0x800000) >> 24;
  *np = n;
  return madd(-(double)n, p->hpi, x, fused);
}

static inline double reduce_large(uint32_t xi, int *np) {
  const uint32_t *arr = &inv_pio4[(xi >> 26) & 15];
  int shift = (xi >> 23) & 7;
  uint64_t n, res0, res1, res2;
  xi = (xi & 0xffffff) | 0x800000;
  xi <<= shift;
  res0 = xi * arr[0];
  res1 = (uint64_t)xi * arr[4];
  res2 = (uint64_t)xi * arr[8];
  res0 = (res2 >> 32) | (res0 << 32);
  res0 += res1;
  n = (res0 + (1ULL << 61)) >> 62;
  res0 -= n << 62;
  double x = (double)(int64_t)res0;
  *np = (int)n;
  return x * pi63;
}

static inline double sinf_poly(double x, double x2, const sincos_t *p, int n, int fused) {
  if ((n & 1) == 0) {
    double x3 = x2 * x;
    double s1 = madd(x2, p->s3, p->s2, fused);
    double x7 = x3 * x2;
    double s = madd(x3, p->s1, x, fused);
    return madd(s1, x7, s, fused);
  }
  double x4 = x2 * x2;
  double c2 = madd(x2, p->c4, p->c3, fused);
  double c1 = madd(x2, p->c1, p->c0, fused);
  double x6 = x4 * x2;
  double c = madd(x4, p->c2, c1, fused);
  return madd(c2, x6, c, fused);
}

/* glibc's sinf (cos = 0) or cosf (cos = 1) before the final rounding to float. */
static double sincosf_double(float y, int cos, int fused) {
  double x = y;
  int n;
  const sincos_t *p = &table[0];
  if (abstop12(y) < abstop12(0x1.921FB54442D18p-1f)) {
    if (abstop12(y) < abstop12(0x1p-12f)) return cos ? 1.0 : x;
    return sinf_poly(x, x * x, p, cos, fused);
  } else if (abstop12(y) < abstop12(120.0f)) {
    x = reduce_fast(x, p, &n, fused);
    double s = p->sign[n & 3];
    if (n & 2) p = &table[1];
    return sinf_poly(x * s, x * x, p, n ^ cos, fused);
  } else if (abstop12(y) < abstop12(INFINITY)) {
    uint32_t xi = asuint(y);
    int sign = xi >> 31;
    x = reduce_large(xi, &n);
    double s = p->sign[(n + sign) & 3];
    if ((n + sign) & 2) p = &table[1];
    return sinf_poly(x * s, x * x, p, n ^ cos, fused);
  }
  return (x - x) / (x - x);
}

static float sincosf_glibc(float y, int cos) {
  double r = sincosf_double(y, cos, 0);
  double bound = abstop12(y) < abstop12(0x1.921FB54442D18p-1f) ? fabs(r) * FUSE_BOUND : FUSE_BOUND;
  /* Every value within bound of r rounds to one float: so does the fused result. */
  if ((float)(r - bound) != (float)(r + bound)) r = sincosf_double(y, cos, 1);
  return (float)r;
}

float earshot_glibc_sinf(float y) { return sincosf_glibc(y, 0); }

float earshot_glibc_cosf(float y) { return sincosf_glibc(y, 1); }
