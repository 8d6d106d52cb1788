#include "register.h"

#include <string>

#include "batch-norm.h"
#include "context.h"
#include "conv2d.h"
#include "matmul.h"
#include "pooling.h"
#include "reduce.h"

namespace earshot::onednn {
namespace {

Napi::Value SetThreadsJs(const Napi::CallbackInfo& info) {
  const Napi::Value value = info[0];
  if (!value.IsNumber() || value.As<Napi::Number>().DoubleValue() < 1 ||
      value.As<Napi::Number>().DoubleValue() != value.As<Napi::Number>().Int32Value()) {
    throw Napi::Error::New(info.Env(), "earshot native dnnl.setThreads: threads must be an integer ≥ 1");
  }
  SetThreads(value.As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value ThreadsJs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), Threads()); }

std::string IsaName(::dnnl::cpu_isa isa) {
  switch (isa) {
    case ::dnnl::cpu_isa::sse41: return "sse41";
    case ::dnnl::cpu_isa::avx: return "avx";
    case ::dnnl::cpu_isa::avx2: return "avx2";
    case ::dnnl::cpu_isa::avx512_mic: return "avx512_mic";
    case ::dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
    case ::dnnl::cpu_isa::avx512_core: return "avx512_core";
    case ::dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case ::dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case ::dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    case ::dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    default: return "other";
  }
}

}  // namespace

Napi::Object Register(Napi::Env env) {
  Napi::Object part = Napi::Object::New(env);
  part.Set("conv2dForward", Napi::Function::New(env, Conv2dForward, "conv2dForward"));
  part.Set("conv2dBackwardData", Napi::Function::New(env, Conv2dBackwardData, "conv2dBackwardData"));
  part.Set("conv2dBackwardFilter", Napi::Function::New(env, Conv2dBackwardFilter, "conv2dBackwardFilter"));
  part.Set("matMul", Napi::Function::New(env, MatMul, "matMul"));
  part.Set("maxPool", Napi::Function::New(env, MaxPool, "maxPool"));
  part.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGrad, "maxPoolGrad"));
  part.Set("batchNorm", Napi::Function::New(env, BatchNorm, "batchNorm"));
  part.Set("batchNormGrad", Napi::Function::New(env, BatchNormGrad, "batchNormGrad"));
  part.Set("sumLeadingAxes", Napi::Function::New(env, SumLeadingAxes, "sumLeadingAxes"));
  part.Set("setThreads", Napi::Function::New(env, SetThreadsJs, "setThreads"));
  part.Set("threads", Napi::Function::New(env, ThreadsJs, "threads"));
  const ::dnnl_version_t* v = ::dnnl::version();
  part.Set("version", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  part.Set("isa", IsaName(::dnnl::get_effective_cpu_isa()));
  return part;
}

}  // namespace earshot::onednn
