// 2-D convolution and its two gradients on oneDNN, over tfjs' NHWC activations and HWIO filters.
// Activations stay in JS's plain NHWC (oneDNN's AVX-512 kernels take it directly); filters are
// reordered to and from the layout each primitive prefers, a small copy.
#include "conv2d.h"

#include <array>
#include <tuple>
#include <type_traits>

#include "js-args.h"
#include "primitive-cache.h"
#include "window.h"

namespace earshot::onednn {
namespace {

using ::dnnl::algorithm;
using ::dnnl::memory;
using ::dnnl::prop_kind;
using Tag = memory::format_tag;

// A window plus what a convolution adds: output channels and dilations.
struct ConvGeometry : Window {
  int64_t outChannels, dilationHeight, dilationWidth;

  ShapeKey Key() const {
    ShapeKey key = Window::Key();
    key.insert(key.end(), {outChannels, dilationHeight, dilationWidth});
    return key;
  }
  size_t OutputSize() const { return batch * outHeight * outWidth * outChannels; }
  size_t FilterSize() const { return filterHeight * filterWidth * inChannels * outChannels; }

  memory::desc Input() const { return {{batch, inChannels, inHeight, inWidth}, memory::data_type::f32, Tag::nhwc}; }
  memory::desc Output() const { return {{batch, outChannels, outHeight, outWidth}, memory::data_type::f32, Tag::nhwc}; }
  memory::desc Filter(Tag tag = Tag::hwio) const {
    return {{outChannels, inChannels, filterHeight, filterWidth}, memory::data_type::f32, tag};
  }
  memory::dims Dilations() const { return {dilationHeight - 1, dilationWidth - 1}; }  // oneDNN counts the gaps
};

ConvGeometry ReadGeometry(const Napi::Value& value, const char* kernel) {
  ConvGeometry g{};
  static_cast<Window&>(g) = ReadWindow(value, kernel);
  const auto o = value.As<Napi::Object>();
  g.outChannels = IntField(o, "outChannels", 1, kernel);
  g.dilationHeight = IntField(o, "dilationHeight", 1, kernel);
  g.dilationWidth = IntField(o, "dilationWidth", 1, kernel);
  return g;
}

// Three arrays of a kernel call, each checked against the size its role needs.
using SizeOf = size_t (ConvGeometry::*)() const;
struct ArraySpec {
  const char* name;
  SizeOf size;
};

std::tuple<float*, float*, float*> ReadArrays(const Napi::CallbackInfo& info, const ConvGeometry& g, const char* kernel,
                                              const std::array<ArraySpec, 3>& specs) {
  const auto read = [&](size_t i) { return FloatData(info[i], (g.*specs[i].size)(), kernel, specs[i].name); };
  return {read(0), read(1), read(2)};
}

std::string Describe(const ConvGeometry& g) {
  return "x " + ShapeText({g.batch, g.inHeight, g.inWidth, g.inChannels}) + ", filter " +
         ShapeText({g.filterHeight, g.filterWidth, g.inChannels, g.outChannels}) + ", y " +
         ShapeText({g.batch, g.outHeight, g.outWidth, g.outChannels});
}

// The forward descriptor; the backward primitives need it as their hint.
::dnnl::convolution_forward::primitive_desc ForwardDesc(const ConvGeometry& g, bool bias, bool relu) {
  const memory::desc biasDesc = bias ? memory::desc({g.outChannels}, memory::data_type::f32, Tag::a) : memory::desc();
  const ::dnnl::convolution_forward::desc desc(prop_kind::forward_training, algorithm::convolution_direct, g.Input(),
                                               g.Filter(Tag::any), biasDesc, g.Output(), g.Strides(), g.Dilations(),
                                               g.PadBefore(), g.PadAfter());
  ::dnnl::primitive_attr attr;
  if (relu) {
    ::dnnl::post_ops ops;
    ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(ops);
  }
  return {desc, attr, Engine()};
}

struct ConvForward {
  ConvForward(const ConvGeometry& g, bool bias, bool relu)
      : pd(ForwardDesc(g, bias, relu)),
        primitive(pd),
        src(pd.src_desc(), Engine(), DNNL_MEMORY_NONE),
        dst(pd.dst_desc(), Engine(), DNNL_MEMORY_NONE),
        filter(g.Filter(), pd.weights_desc()) {
    if (bias) biasMemory = memory(pd.bias_desc(), Engine(), DNNL_MEMORY_NONE);
  }
  ::dnnl::convolution_forward::primitive_desc pd;
  ::dnnl::convolution_forward primitive;
  memory src, dst, biasMemory;
  LayoutPort filter;
};

// Either gradient primitive: both take the forward's descriptors and its hint. Activations are plain
// NHWC (`input` is x or dx, `output` dy); the filter (w or dw) goes through its layout port.
template <typename Primitive>
struct ConvBackward {
  explicit ConvBackward(const ConvGeometry& g)
      : pd(typename Primitive::desc(algorithm::convolution_direct, g.Input(), g.Filter(Tag::any), g.Output(),
                                    g.Strides(), g.Dilations(), g.PadBefore(), g.PadAfter()),
           Engine(), ForwardDesc(g, false, false)),
        primitive(pd),
        input(g.Input(), Engine(), DNNL_MEMORY_NONE),
        output(g.Output(), Engine(), DNNL_MEMORY_NONE),
        filter(g.Filter(), FilterDesc(pd)) {}
  static memory::desc FilterDesc(const typename Primitive::primitive_desc& pd) {
    if constexpr (std::is_same_v<Primitive, ::dnnl::convolution_backward_data>) return pd.weights_desc();
    else return pd.diff_weights_desc();
  }
  typename Primitive::primitive_desc pd;
  Primitive primitive;
  memory input, output;
  LayoutPort filter;
};

using ConvBackwardData = ConvBackward<::dnnl::convolution_backward_data>;
using ConvBackwardFilter = ConvBackward<::dnnl::convolution_backward_weights>;

// Runs `body`, turning oneDNN's errors into a JS error naming the kernel and the shapes.
template <typename Body>
void Guarded(Napi::Env env, const char* kernel, const ConvGeometry& g, Body body) {
  try {
    body();
  } catch (const ::dnnl::error& e) {
    Fail(env, kernel, std::string(e.what()) + " (" + Describe(g) + ")");
  }
}

}  // namespace

Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "Conv2D";
  const ConvGeometry g = ReadGeometry(info[4], kKernel);
  float* x = FloatData(info[0], g.InputSize(), kKernel, "x");
  float* filter = FloatData(info[1], g.FilterSize(), kKernel, "filter");
  float* bias = OptionalFloatData(info[2], g.outChannels, kKernel, "bias");
  float* y = FloatData(info[3], g.OutputSize(), kKernel, "y");
  const bool relu = info[5].ToBoolean();
  Guarded(info.Env(), kKernel, g, [&] {
    ShapeKey key = g.Key();
    key.push_back(bias != nullptr);
    key.push_back(relu);
    auto& conv = Cached<ConvForward>(key, [&] { return std::make_unique<ConvForward>(g, bias != nullptr, relu); });
    conv.src.set_data_handle(x);
    conv.dst.set_data_handle(y);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, conv.src},
                                         {DNNL_ARG_WEIGHTS, conv.filter.Input(filter)},
                                         {DNNL_ARG_DST, conv.dst}};
    if (bias != nullptr) {
      conv.biasMemory.set_data_handle(bias);
      args.emplace(DNNL_ARG_BIAS, conv.biasMemory);
    }
    conv.primitive.execute(Stream(), args);
    Stream().wait();
  });
  return info.Env().Undefined();
}

Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "Conv2DBackpropInput";
  const ConvGeometry g = ReadGeometry(info[3], kKernel);
  float *dy, *filter, *dx;  // tied, not structured bindings: C++17 lambdas cannot capture those
  std::tie(dy, filter, dx) = ReadArrays(info, g, kKernel, {{{"dy", &ConvGeometry::OutputSize},
                                                            {"filter", &ConvGeometry::FilterSize},
                                                            {"dx", &ConvGeometry::InputSize}}});
  Guarded(info.Env(), kKernel, g, [&] {
    auto& conv = Cached<ConvBackwardData>(g.Key(), [&] { return std::make_unique<ConvBackwardData>(g); });
    conv.output.set_data_handle(dy);
    conv.input.set_data_handle(dx);
    conv.primitive.execute(Stream(), {{DNNL_ARG_DIFF_DST, conv.output},
                                      {DNNL_ARG_WEIGHTS, conv.filter.Input(filter)},
                                      {DNNL_ARG_DIFF_SRC, conv.input}});
    Stream().wait();
  });
  return info.Env().Undefined();
}

Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "Conv2DBackpropFilter";
  const ConvGeometry g = ReadGeometry(info[3], kKernel);
  float *x, *dy, *dw;
  std::tie(x, dy, dw) = ReadArrays(info, g, kKernel, {{{"x", &ConvGeometry::InputSize},
                                                      {"dy", &ConvGeometry::OutputSize},
                                                      {"dw", &ConvGeometry::FilterSize}}});
  Guarded(info.Env(), kKernel, g, [&] {
    auto& conv = Cached<ConvBackwardFilter>(g.Key(), [&] { return std::make_unique<ConvBackwardFilter>(g); });
    conv.input.set_data_handle(x);
    conv.output.set_data_handle(dy);
    conv.primitive.execute(Stream(), {{DNNL_ARG_SRC, conv.input},
                                      {DNNL_ARG_DIFF_DST, conv.output},
                                      {DNNL_ARG_DIFF_WEIGHTS, conv.filter.Output(dw)}});
    conv.filter.Finish();
    Stream().wait();
  });
  return info.Env().Undefined();
}

}  // namespace earshot::onednn
