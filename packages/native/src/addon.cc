// Module init of @earshot/native: each part registers its functions under its own name
// (`exports.soxr`, …). A new part adds one Register call here and its sources in binding.gyp.
#include <napi.h>

#include "dnnl/register.h"
#include "soxr/resample.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("soxr", earshot::soxr::Register(env));
  exports.Set("dnnl", earshot::onednn::Register(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(earshot_native, Init)
