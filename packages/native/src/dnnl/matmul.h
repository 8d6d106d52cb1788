#pragma once
#include <napi.h>

namespace earshot::onednn {

// matmul(a, b, bias | null, c, geometry, relu): c = op(a)·op(b) (+ bias, then ReLU), batched, with
// tfjs BatchMatMul's transposes and batch broadcasting (a batch of 1 is shared).
Napi::Value MatMul(const Napi::CallbackInfo& info);

}  // namespace earshot::onednn
