// Batched matrix products on oneDNN's matmul primitive. A transposed operand is described by its
// strides, so no copy is made; bias and ReLU are fused as tfjs' _FusedMatMul does them.
#include "matmul.h"

#include <algorithm>

#include "js-args.h"
#include "primitive-cache.h"

namespace earshot::onednn {
namespace {

using ::dnnl::memory;

struct MatMulGeometry {
  int64_t batchA, batchB, m, k, n;
  bool transposeA, transposeB;

  int64_t Batch() const { return std::max(batchA, batchB); }
  memory::desc A() const {
    // Stored [batch, m, k], or [batch, k, m] when transposed.
    return {{batchA, m, k}, memory::data_type::f32, transposeA ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1}};
  }
  memory::desc B() const {
    return {{batchB, k, n}, memory::data_type::f32, transposeB ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1}};
  }
  memory::desc C() const { return {{Batch(), m, n}, memory::data_type::f32, memory::format_tag::abc}; }
};

MatMulGeometry ReadGeometry(const Napi::Value& value, const char* kernel) {
  if (!value.IsObject()) Fail(value.Env(), kernel, "geometry must be an object");
  const auto o = value.As<Napi::Object>();
  MatMulGeometry g{};
  g.batchA = IntField(o, "batchA", 1, kernel);
  g.batchB = IntField(o, "batchB", 1, kernel);
  g.m = IntField(o, "m", 1, kernel);
  g.k = IntField(o, "k", 1, kernel);
  g.n = IntField(o, "n", 1, kernel);
  g.transposeA = o.Get("transposeA").ToBoolean();
  g.transposeB = o.Get("transposeB").ToBoolean();
  if (g.batchA != g.batchB && g.batchA != 1 && g.batchB != 1) {
    Fail(value.Env(), kernel, "batches " + std::to_string(g.batchA) + " and " + std::to_string(g.batchB) + " do not broadcast");
  }
  return g;
}

struct MatMulPrimitive {
  MatMulPrimitive(const MatMulGeometry& g, bool bias, bool relu)
      : pd(Desc(g, bias), Attr(relu), Engine()),
        primitive(pd),
        a(g.A(), Engine(), DNNL_MEMORY_NONE),
        b(g.B(), Engine(), DNNL_MEMORY_NONE),
        c(g.C(), Engine(), DNNL_MEMORY_NONE) {
    if (bias) biasMemory = memory(pd.bias_desc(), Engine(), DNNL_MEMORY_NONE);
  }
  static ::dnnl::matmul::desc Desc(const MatMulGeometry& g, bool bias) {
    if (!bias) return {g.A(), g.B(), g.C()};
    return {g.A(), g.B(), memory::desc({1, 1, g.n}, memory::data_type::f32, memory::format_tag::abc), g.C()};
  }
  static ::dnnl::primitive_attr Attr(bool relu) {
    ::dnnl::primitive_attr attr;
    if (relu) {
      ::dnnl::post_ops ops;
      ops.append_eltwise(1.f, ::dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      attr.set_post_ops(ops);
    }
    return attr;
  }
  ::dnnl::matmul::primitive_desc pd;
  ::dnnl::matmul primitive;
  memory a, b, c, biasMemory;
};

}  // namespace

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "BatchMatMul";
  const MatMulGeometry g = ReadGeometry(info[4], kKernel);
  float* a = FloatData(info[0], g.batchA * g.m * g.k, kKernel, "a");
  float* b = FloatData(info[1], g.batchB * g.k * g.n, kKernel, "b");
  float* bias = OptionalFloatData(info[2], g.n, kKernel, "bias");
  float* c = FloatData(info[3], g.Batch() * g.m * g.n, kKernel, "c");
  const bool relu = info[5].ToBoolean();
  try {
    const ShapeKey key{g.batchA, g.batchB, g.m, g.k, g.n, g.transposeA, g.transposeB, bias != nullptr, relu};
    auto& mm = Cached<MatMulPrimitive>(key, [&] { return std::make_unique<MatMulPrimitive>(g, bias != nullptr, relu); });
    mm.a.set_data_handle(a);
    mm.b.set_data_handle(b);
    mm.c.set_data_handle(c);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, mm.a}, {DNNL_ARG_WEIGHTS, mm.b}, {DNNL_ARG_DST, mm.c}};
    if (bias != nullptr) {
      mm.biasMemory.set_data_handle(bias);
      args.emplace(DNNL_ARG_BIAS, mm.biasMemory);
    }
    mm.primitive.execute(Stream(), args);
    Stream().wait();
  } catch (const ::dnnl::error& e) {
    Fail(info.Env(), kKernel, std::string(e.what()) + " (a " + ShapeText({g.batchA, g.m, g.k}) + (g.transposeA ? "ᵀ" : "") +
                                  ", b " + ShapeText({g.batchB, g.k, g.n}) + (g.transposeB ? "ᵀ" : "") + ")");
  }
  return info.Env().Undefined();
}

}  // namespace earshot::onednn
