#pragma once
#include <napi.h>

namespace earshot::onednn {

// batchNorm(x, mean, variance, offset | null, scale | null, y, channels, epsilon):
//   y = offset + (x − mean)·scale/√(variance + ε), per channel (the last axis).
// batchNormGrad(x, dy, mean, variance, scale | null, dx, dMean, dVariance, dScale, dOffset, channels, epsilon):
//   the gradients tfjs' FusedBatchNorm defines, with mean and variance as inputs of their own, in two passes.
Napi::Value BatchNorm(const Napi::CallbackInfo& info);
Napi::Value BatchNormGrad(const Napi::CallbackInfo& info);

}  // namespace earshot::onednn
