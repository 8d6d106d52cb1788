#pragma once
#include <napi.h>

namespace earshot::onednn {

// { conv2dForward, conv2dBackwardData, conv2dBackwardFilter, matMul, maxPool, maxPoolGrad,
//   sumLeadingAxes, setThreads, threads, version, isa }: oneDNN training kernels (see dnnl.ts).
Napi::Object Register(Napi::Env env);

}  // namespace earshot::onednn
