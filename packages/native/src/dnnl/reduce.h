#pragma once
#include <napi.h>

namespace earshot::onednn {

// sumLeadingAxes(x, out, channels, divisor = 1): out[c] = Σ over every row of x[row, c] / divisor
// (bias gradients; with the row count as divisor, a mean).
Napi::Value SumLeadingAxes(const Napi::CallbackInfo& info);

}  // namespace earshot::onednn
