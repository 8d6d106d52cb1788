// Max pooling: the forward on oneDNN's pooling primitive; the gradient as one pass over the
// windows, since oneDNN's backward needs the forward's workspace, which tfjs does not keep.
#include "pooling.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "js-args.h"
#include "primitive-cache.h"
#include "window.h"

namespace earshot::onednn {
namespace {

using ::dnnl::memory;

// Pooling needs only the window: channels pass through.
struct PoolGeometry : Window {
  size_t OutputSize() const { return batch * outHeight * outWidth * inChannels; }
};

PoolGeometry ReadGeometry(const Napi::Value& value, const char* kernel) {
  PoolGeometry g{};
  static_cast<Window&>(g) = ReadWindow(value, kernel);
  return g;
}

struct MaxPoolForward {
  explicit MaxPoolForward(const PoolGeometry& g)
      : pd(::dnnl::pooling_forward::desc(::dnnl::prop_kind::forward_inference, ::dnnl::algorithm::pooling_max,
                                         Desc(g.batch, g.inChannels, g.inHeight, g.inWidth),
                                         Desc(g.batch, g.inChannels, g.outHeight, g.outWidth), g.Strides(),
                                         {g.filterHeight, g.filterWidth}, g.PadBefore(), g.PadAfter()),
           Engine()),
        primitive(pd),
        src(pd.src_desc(), Engine(), DNNL_MEMORY_NONE),
        dst(pd.dst_desc(), Engine(), DNNL_MEMORY_NONE) {}
  static memory::desc Desc(int64_t n, int64_t c, int64_t h, int64_t w) {
    return {{n, c, h, w}, memory::data_type::f32, memory::format_tag::nhwc};
  }
  ::dnnl::pooling_forward::primitive_desc pd;
  ::dnnl::pooling_forward primitive;
  memory src, dst;
};

// Four channels at once with GCC vector extensions (SSE on the baseline x86-64 the addon is built
// for): the compiler does not vectorize the select chain below by itself, and scalar branches on
// the data mispredict.
typedef float Float4 __attribute__((vector_size(16)));
typedef int Mask4 __attribute__((vector_size(16)));

template <typename F, typename M>
inline void RouteToFirstMax(F v00, F v01, F v10, F v11, F d, F zero, F* o00, F* o01, F* o10, F* o11) {
  // The first maximum in row-major window order: each later value replaces the running best only
  // when strictly greater, as in the cpu backend.
  const M over01 = v01 > v00;
  const F best01 = over01 ? v01 : v00;
  const M over10 = v10 > best01;
  const M over11 = v11 > (over10 ? v10 : best01);
  *o00 = (over01 | over10 | over11) ? zero : d;
  *o01 = (over01 & ~over10 & ~over11) ? d : zero;
  *o10 = (over10 & ~over11) ? d : zero;
  *o11 = over11 ? d : zero;
}

// Disjoint 2×2 windows at stride 2 without padding: every dx element is written exactly once.
// One thread: the pass is memory-bound.
void MaxPoolGrad2x2(const PoolGeometry& g, const float* x, const float* dy, float* dx) {
  const int64_t c = g.inChannels;
  const int64_t row = g.inWidth * c;
  const int64_t vectorEnd = c - c % 4;
  for (int64_t by = 0; by < g.batch * g.outHeight; by++) {
    const int64_t b = by / g.outHeight;
    const int64_t oy = by % g.outHeight;
    const int64_t top = (b * g.inHeight + 2 * oy) * row;
    const float* grad = dy + by * g.outWidth * c;
    for (int64_t ox = 0; ox < g.outWidth; ox++, grad += c) {
      // The window's four pixels, each a run of channels.
      const float* x00 = x + top + 2 * ox * c;
      const float* x10 = x00 + row;
      float* d00 = dx + top + 2 * ox * c;
      float* d10 = d00 + row;
      int64_t ch = 0;
      for (; ch < vectorEnd; ch += 4) {
        const auto load = [](const float* p) { Float4 v; __builtin_memcpy(&v, p, sizeof v); return v; };
        Float4 o00, o01, o10, o11;
        RouteToFirstMax<Float4, Mask4>(load(x00 + ch), load(x00 + c + ch), load(x10 + ch), load(x10 + c + ch),
                                       load(grad + ch), Float4{0, 0, 0, 0}, &o00, &o01, &o10, &o11);
        __builtin_memcpy(d00 + ch, &o00, sizeof o00);
        __builtin_memcpy(d00 + c + ch, &o01, sizeof o01);
        __builtin_memcpy(d10 + ch, &o10, sizeof o10);
        __builtin_memcpy(d10 + c + ch, &o11, sizeof o11);
      }
      for (; ch < c; ch++) {
        RouteToFirstMax<float, bool>(x00[ch], x00[c + ch], x10[ch], x10[c + ch], grad[ch], 0.f, d00 + ch, d00 + c + ch,
                                     d10 + ch, d10 + c + ch);
      }
    }
  }
}

// Any window, stride and padding: overlapping windows add up, so batch items run in parallel.
void MaxPoolGradGeneral(const PoolGeometry& g, const float* x, const float* dy, float* dx) {
  const int64_t c = g.inChannels;
  const int64_t row = g.inWidth * c;
#pragma omp parallel
  {
    std::vector<float> best(c);
    std::vector<int64_t> where(c);
#pragma omp for
    for (int64_t b = 0; b < g.batch; b++) {
      const int64_t base = b * g.inHeight * row;
      std::fill(dx + base, dx + base + g.inHeight * row, 0.f);
      for (int64_t oy = 0; oy < g.outHeight; oy++) {
        const int64_t y0 = oy * g.strideHeight - g.padTop;
        const int64_t yStart = std::max<int64_t>(0, y0), yEnd = std::min(g.inHeight, y0 + g.filterHeight);
        for (int64_t ox = 0; ox < g.outWidth; ox++) {
          const int64_t x0 = ox * g.strideWidth - g.padLeft;
          const int64_t xStart = std::max<int64_t>(0, x0), xEnd = std::min(g.inWidth, x0 + g.filterWidth);
          std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
          std::fill(where.begin(), where.end(), -1);
          for (int64_t yy = yStart; yy < yEnd; yy++) {
            for (int64_t xx = xStart; xx < xEnd; xx++) {
              const int64_t at = base + yy * row + xx * c;
              for (int64_t ch = 0; ch < c; ch++) {
                if (x[at + ch] > best[ch]) {
                  best[ch] = x[at + ch];
                  where[ch] = at + ch;
                }
              }
            }
          }
          const float* grad = dy + ((b * g.outHeight + oy) * g.outWidth + ox) * c;
          for (int64_t ch = 0; ch < c; ch++) {
            if (where[ch] >= 0) dx[where[ch]] += grad[ch];
          }
        }
      }
    }
  }
}

}  // namespace

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "MaxPool";
  const PoolGeometry g = ReadGeometry(info[2], kKernel);
  float* x = FloatData(info[0], g.InputSize(), kKernel, "x");
  float* y = FloatData(info[1], g.OutputSize(), kKernel, "y");
  try {
    auto& pool = Cached<MaxPoolForward>(g.Key(), [&] { return std::make_unique<MaxPoolForward>(g); });
    pool.src.set_data_handle(x);
    pool.dst.set_data_handle(y);
    pool.primitive.execute(Stream(), {{DNNL_ARG_SRC, pool.src}, {DNNL_ARG_DST, pool.dst}});
    Stream().wait();
  } catch (const ::dnnl::error& e) {
    Fail(info.Env(), kKernel, std::string(e.what()) + " (x " + ShapeText({g.batch, g.inHeight, g.inWidth, g.inChannels}) +
                                  ", window " + ShapeText({g.filterHeight, g.filterWidth}) + ")");
  }
  return info.Env().Undefined();
}

Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "MaxPoolGrad";
  const PoolGeometry g = ReadGeometry(info[3], kKernel);
  const float* x = FloatData(info[0], g.InputSize(), kKernel, "x");
  const float* dy = FloatData(info[1], g.OutputSize(), kKernel, "dy");
  float* dx = FloatData(info[2], g.InputSize(), kKernel, "dx");
  ApplyThreads();
  const bool disjoint2x2 = g.filterHeight == 2 && g.filterWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2 &&
                           g.padTop == 0 && g.padLeft == 0 && 2 * g.outHeight <= g.inHeight &&
                           2 * g.outWidth <= g.inWidth;
  if (disjoint2x2) {
    // Rows and columns the windows do not reach (odd sizes, floored) get no gradient.
    if (g.inHeight != 2 * g.outHeight || g.inWidth != 2 * g.outWidth) std::memset(dx, 0, g.InputSize() * sizeof(float));
    MaxPoolGrad2x2(g, x, dy, dx);
  } else {
    MaxPoolGradGeneral(g, x, dy, dx);
  }
  return info.Env().Undefined();
}

}  // namespace earshot::onednn
