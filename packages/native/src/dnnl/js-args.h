#pragma once
// Reading kernel arguments from JS: float32 views (zero-copy, usually into the wasm heap) and
// integer fields, with errors that name the kernel and what was wrong.
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace earshot::onednn {

// A Float32Array argument's data, checked to hold exactly `expected` values.
float* FloatData(const Napi::Value& value, size_t expected, const char* kernel, const char* name);

// Same, but null/undefined gives nullptr (optional bias).
float* OptionalFloatData(const Napi::Value& value, size_t expected, const char* kernel, const char* name);

// An integer field of a geometry object, checked to be ≥ `min`.
int64_t IntField(const Napi::Object& object, const char* field, int64_t min, const char* kernel);

// Throws a JS error "earshot native <kernel>: <message>".
[[noreturn]] void Fail(Napi::Env env, const char* kernel, const std::string& message);

// "[a, b, c]" for error messages.
std::string ShapeText(const std::vector<int64_t>& dims);

}  // namespace earshot::onednn
