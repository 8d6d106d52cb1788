#pragma once
#include <napi.h>

namespace earshot::onednn {

// maxPool(x, y, geometry) and maxPoolGrad(x, dy, dx, geometry) over NHWC; geometry carries
// tfjs' Pool2DInfo fields. The gradient goes to each window's first maximum, as tfjs' cpu backend.
Napi::Value MaxPool(const Napi::CallbackInfo& info);
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info);

}  // namespace earshot::onednn
