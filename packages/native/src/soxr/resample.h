#pragma once

#include <napi.h>

namespace earshot::soxr {

// { resample(y, inRate, outRate), version(), engine() }: libsoxr at librosa's default quality, soxr_hq.
Napi::Object Register(Napi::Env env);

}  // namespace earshot::soxr
