// Batch normalisation over channels-last tensors, forward and backward, each one or two passes.
// tfjs computes the backward as about ten full-size elementwise ops plus four reductions.
#include "batch-norm.h"

#include <cmath>
#include <vector>

#include "context.h"
#include "js-args.h"

namespace earshot::onednn {
namespace {

struct Channels {
  int64_t count;  // channels (the last axis)
  int64_t rows;   // every other position
};

Channels ReadChannels(const Napi::CallbackInfo& info, size_t xIndex, size_t channelsIndex, const char* kernel) {
  if (!info[channelsIndex].IsNumber()) Fail(info.Env(), kernel, "channels must be a number");
  const int64_t count = info[channelsIndex].As<Napi::Number>().Int64Value();
  if (!info[xIndex].IsTypedArray()) Fail(info.Env(), kernel, "x must be a Float32Array");
  const auto size = static_cast<int64_t>(info[xIndex].As<Napi::TypedArray>().ElementLength());
  if (count < 1 || size % count != 0) {
    Fail(info.Env(), kernel, "x holds " + std::to_string(size) + " values, not a multiple of " + std::to_string(count) + " channels");
  }
  return {count, size / count};
}

float Epsilon(const Napi::Value& value, const char* kernel) {
  if (!value.IsNumber()) Fail(value.Env(), kernel, "epsilon must be a number");
  return value.As<Napi::Number>().FloatValue();
}

// 1/√(variance + ε) per channel, as tfjs' rsqrt(add(variance, ε)) in float32.
std::vector<float> InverseStd(const float* variance, int64_t channels, float epsilon) {
  std::vector<float> inv(channels);
  for (int64_t c = 0; c < channels; c++) inv[c] = 1.f / std::sqrt(variance[c] + epsilon);
  return inv;
}

}  // namespace

Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "FusedBatchNorm";
  const Channels ch = ReadChannels(info, 0, 6, kKernel);
  const float* x = FloatData(info[0], ch.count * ch.rows, kKernel, "x");
  const float* mean = FloatData(info[1], ch.count, kKernel, "mean");
  const float* variance = FloatData(info[2], ch.count, kKernel, "variance");
  const float* offset = OptionalFloatData(info[3], ch.count, kKernel, "offset");
  const float* scale = OptionalFloatData(info[4], ch.count, kKernel, "scale");
  float* y = FloatData(info[5], ch.count * ch.rows, kKernel, "y");
  const std::vector<float> inv = InverseStd(variance, ch.count, Epsilon(info[7], kKernel));
  // y = (x − mean)·factor + offset, the factor folded per channel.
  std::vector<float> factor(ch.count), shift(ch.count);
  for (int64_t c = 0; c < ch.count; c++) {
    factor[c] = (scale ? scale[c] : 1.f) * inv[c];
    shift[c] = offset ? offset[c] : 0.f;
  }
  ApplyThreads();
#pragma omp parallel for
  for (int64_t r = 0; r < ch.rows; r++) {
    const float* in = x + r * ch.count;
    float* out = y + r * ch.count;
    for (int64_t c = 0; c < ch.count; c++) out[c] = (in[c] - mean[c]) * factor[c] + shift[c];
  }
  return info.Env().Undefined();
}

Napi::Value BatchNormGrad(const Napi::CallbackInfo& info) {
  constexpr const char* kKernel = "FusedBatchNormGrad";
  const Channels ch = ReadChannels(info, 0, 10, kKernel);
  const int64_t size = ch.count * ch.rows;
  const float* x = FloatData(info[0], size, kKernel, "x");
  const float* dy = FloatData(info[1], size, kKernel, "dy");
  const float* mean = FloatData(info[2], ch.count, kKernel, "mean");
  const float* variance = FloatData(info[3], ch.count, kKernel, "variance");
  const float* scale = OptionalFloatData(info[4], ch.count, kKernel, "scale");
  float* dx = FloatData(info[5], size, kKernel, "dx");
  float* dMean = FloatData(info[6], ch.count, kKernel, "dMean");
  float* dVariance = FloatData(info[7], ch.count, kKernel, "dVariance");
  float* dScale = FloatData(info[8], ch.count, kKernel, "dScale");
  float* dOffset = FloatData(info[9], ch.count, kKernel, "dOffset");
  const std::vector<float> inv = InverseStd(variance, ch.count, Epsilon(info[11], kKernel));

  // Pass 1: Σdy and Σdy·(x − mean) per channel, float64, in row order (independent of threads).
  std::vector<double> sumDy(ch.count, 0.0), sumDyCentered(ch.count, 0.0);
  for (int64_t r = 0; r < ch.rows; r++) {
    const float* g = dy + r * ch.count;
    const float* in = x + r * ch.count;
    for (int64_t c = 0; c < ch.count; c++) {
      sumDy[c] += g[c];
      sumDyCentered[c] += static_cast<double>(g[c]) * (in[c] - mean[c]);
    }
  }
  std::vector<float> dxFactor(ch.count);
  for (int64_t c = 0; c < ch.count; c++) {
    const double s = scale ? scale[c] : 1.0;
    const double r = inv[c];
    dxFactor[c] = static_cast<float>(s * r);
    dOffset[c] = static_cast<float>(sumDy[c]);
    dMean[c] = static_cast<float>(-r * s * sumDy[c]);
    dVariance[c] = static_cast<float>(-0.5 * r * r * r * s * sumDyCentered[c]);
    dScale[c] = static_cast<float>(r * sumDyCentered[c]);
  }
  // Pass 2: dx = dy·scale/√(variance + ε).
  ApplyThreads();
#pragma omp parallel for
  for (int64_t r = 0; r < ch.rows; r++) {
    const float* g = dy + r * ch.count;
    float* out = dx + r * ch.count;
    for (int64_t c = 0; c < ch.count; c++) out[c] = g[c] * dxFactor[c];
  }
  return info.Env().Undefined();
}

}  // namespace earshot::onednn
