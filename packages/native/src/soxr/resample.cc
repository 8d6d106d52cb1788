// libsoxr resampling of mono float32, called exactly as python-soxr 1.x's `soxr.resample(y, in, out,
// 'soxr_hq')` (csoxr_split_ch<float>) calls it, which is what librosa 0.11's default res_type runs:
// the same quality spec, output buffer length, input chunking and single flush, so the samples match.
#include "resample.h"

#include <soxr.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace earshot::soxr {
namespace {

struct SoxrDeleter {
  void operator()(soxr_t s) const { soxr_delete(s); }
};
using Resampler = std::unique_ptr<struct soxr, SoxrDeleter>;

Resampler CreateResampler(double in_rate, double out_rate) {
  soxr_error_t err = nullptr;
  // Split-channel float32 I/O and SOXR_HQ with no flags (linear phase): python-soxr's settings.
  const soxr_io_spec_t io_spec = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);
  const soxr_quality_spec_t quality_spec = soxr_quality_spec(SOXR_HQ, 0);
  Resampler r(soxr_create(in_rate, out_rate, 1, &err, &io_spec, &quality_spec, nullptr));
  if (err || !r) throw std::runtime_error(std::string("soxr_create: ") + (err ? err : "failed"));
  return r;
}

std::vector<float> Resample(const float* x, size_t ilen, double in_rate, double out_rate) {
  // A new resampler per signal, as python-soxr: soxr_clear measured no cheaper than soxr_create.
  const Resampler resampler = CreateResampler(in_rate, out_rate);
  soxr_t soxr = resampler.get();
  // python-soxr's sizes: room for ilen·out/in + 1 outputs; input in chunks of max(1000, 48000·in/out).
  const size_t olen = static_cast<size_t>(ilen * out_rate / in_rate + 1);
  const size_t div_len = static_cast<size_t>(std::max(1000., 48000 * in_rate / out_rate));
  std::vector<float> y(olen, 0.f);
  size_t out_pos = 0;
  size_t odone = 0;
  for (size_t idx = 0; idx < ilen; idx += div_len) {
    const float* in_ptr = x + idx;
    float* out_ptr = y.data() + out_pos;
    soxr_error_t err = soxr_process(soxr, &in_ptr, std::min(div_len, ilen - idx), nullptr, &out_ptr, olen - out_pos, &odone);
    if (err) throw std::runtime_error(std::string("soxr_process: ") + err);
    out_pos += odone;
  }
  // One flush call (input NULL), as python-soxr: the tail it yields is what librosa then pads or trims.
  float* out_ptr = y.data() + out_pos;
  soxr_error_t err = soxr_process(soxr, nullptr, 0, nullptr, &out_ptr, olen - out_pos, &odone);
  if (err) throw std::runtime_error(std::string("soxr_process (flush): ") + err);
  out_pos += odone;
  y.resize(out_pos);
  return y;
}

double PositiveRate(const Napi::Value& value, const char* name) {
  if (!value.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string("soxr.resample: ") + name + " must be a number");
  const double rate = value.As<Napi::Number>().DoubleValue();
  if (!(rate > 0) || rate > 1e9) throw Napi::RangeError::New(value.Env(), std::string("soxr.resample: ") + name + " must be a positive sample rate, got " + std::to_string(rate));
  return rate;
}

// resample(y: Float32Array, inRate, outRate): Float32Array of python-soxr's length (about n·out/in).
Napi::Value ResampleJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(env, "soxr.resample(y, inRate, outRate): y must be a Float32Array");
  }
  const Napi::Float32Array y = info[0].As<Napi::Float32Array>();
  const double in_rate = PositiveRate(info[1], "inRate");
  const double out_rate = PositiveRate(info[2], "outRate");
  std::vector<float> out;
  try {
    out = Resample(y.Data(), y.ElementLength(), in_rate, out_rate);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  Napi::Float32Array result = Napi::Float32Array::New(env, out.size());
  if (!out.empty()) std::memcpy(result.Data(), out.data(), out.size() * sizeof(float));
  return result;
}

// The computation engine soxr picks for soxr_hq at these rates (e.g. "cr32s": single precision, SIMD).
Napi::Value EngineJs(const Napi::CallbackInfo& info) {
  const double in_rate = PositiveRate(info[0], "inRate");
  const double out_rate = PositiveRate(info[1], "outRate");
  try {
    return Napi::String::New(info.Env(), soxr_engine(CreateResampler(in_rate, out_rate).get()));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

}  // namespace

Napi::Object Register(Napi::Env env) {
  Napi::Object soxr = Napi::Object::New(env);
  soxr.Set("resample", Napi::Function::New(env, ResampleJs, "resample"));
  soxr.Set("engine", Napi::Function::New(env, EngineJs, "engine"));
  soxr.Set("version", Napi::String::New(env, soxr_version()));
  return soxr;
}

}  // namespace earshot::soxr
