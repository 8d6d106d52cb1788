// Sums (or means) over all but the last axis in one sequential pass (bias gradients, batch-norm
// statistics), with float64
// accumulators in a fixed order, so the result does not depend on the thread count.
#include "reduce.h"

#include <vector>

#include "js-args.h"

namespace earshot::onednn {

Napi::Value SumLeadingAxes(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "Sum";
  if (!info[2].IsNumber()) Fail(info.Env(), kKernel, "channels must be a number");
  const int64_t channels = info[2].As<Napi::Number>().Int64Value();
  if (channels < 1) Fail(info.Env(), kKernel, "channels must be ≥ 1");
  if (!info[0].IsTypedArray()) Fail(info.Env(), kKernel, "x must be a Float32Array");
  const size_t size = info[0].As<Napi::TypedArray>().ElementLength();
  if (size % channels != 0) {
    Fail(info.Env(), kKernel, "x holds " + std::to_string(size) + " values, not a multiple of " + std::to_string(channels) + " channels");
  }
  const float* x = FloatData(info[0], size, kKernel, "x");
  float* out = FloatData(info[1], channels, kKernel, "out");
  std::vector<double> sum(channels, 0.0);
  const int64_t rows = static_cast<int64_t>(size) / channels;
  for (int64_t r = 0; r < rows; r++) {
    const float* row = x + r * channels;
    for (int64_t c = 0; c < channels; c++) sum[c] += row[c];
  }
  // An optional divisor turns the sum into a mean (tfjs' Mean over the same axes).
  const double divisor = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 1.0;
  for (int64_t c = 0; c < channels; c++) out[c] = static_cast<float>(sum[c] / divisor);
  return info.Env().Undefined();
}

}  // namespace earshot::onednn
