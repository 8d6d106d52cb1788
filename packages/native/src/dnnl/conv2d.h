#pragma once
#include <napi.h>

namespace earshot::onednn {

// conv2dForward(x, filter, bias | null, y, geometry, relu), conv2dBackwardData(dy, filter, dx, geometry),
// conv2dBackwardFilter(x, dy, dw, geometry): tfjs layouts (NHWC activations, HWIO filters), results
// written into the given arrays. `geometry` carries tfjs' Conv2DInfo fields (see dnnl.ts).
Napi::Value Conv2dForward(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackwardFilter(const Napi::CallbackInfo& info);

}  // namespace earshot::onednn
