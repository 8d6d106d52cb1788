#pragma once
// What convolutions and pooling share: a window sliding over an NHWC input, in tfjs' Conv2DInfo
// field names (the geometry objects the JS side passes).
#include <napi.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "primitive-cache.h"

namespace earshot::onednn {

struct Window {
  int64_t batch, inHeight, inWidth, inChannels, outHeight, outWidth;
  int64_t filterHeight, filterWidth, strideHeight, strideWidth;
  int64_t padTop, padBottom, padLeft, padRight;

  ShapeKey Key() const {
    return {batch, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth,
            strideHeight, strideWidth, padTop, padBottom, padLeft, padRight};
  }
  size_t InputSize() const { return batch * inHeight * inWidth * inChannels; }
  ::dnnl::memory::dims Strides() const { return {strideHeight, strideWidth}; }
  ::dnnl::memory::dims PadBefore() const { return {padTop, padLeft}; }
  ::dnnl::memory::dims PadAfter() const { return {padBottom, padRight}; }
};

// Reads a geometry object's window fields (each an integer, sizes ≥ 1, pads ≥ 0).
Window ReadWindow(const Napi::Value& value, const char* kernel);

}  // namespace earshot::onednn
