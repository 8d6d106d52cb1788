#include "js-args.h"

namespace earshot::onednn {

void Fail(Napi::Env env, const char* kernel, const std::string& message) {
  throw Napi::Error::New(env, std::string("earshot native ") + kernel + ": " + message);
}

std::string ShapeText(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); i++) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

float* FloatData(const Napi::Value& value, size_t expected, const char* kernel, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Fail(value.Env(), kernel, std::string(name) + " must be a Float32Array");
  }
  auto array = value.As<Napi::Float32Array>();
  if (array.ElementLength() != expected) {
    Fail(value.Env(), kernel, std::string(name) + " holds " + std::to_string(array.ElementLength()) +
                                  " values, its shape needs " + std::to_string(expected));
  }
  return array.Data();
}

float* OptionalFloatData(const Napi::Value& value, size_t expected, const char* kernel, const char* name) {
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  return FloatData(value, expected, kernel, name);
}

int64_t IntField(const Napi::Object& object, const char* field, int64_t min, const char* kernel) {
  const Napi::Value value = object.Get(field);
  if (!value.IsNumber()) Fail(object.Env(), kernel, std::string("geometry.") + field + " must be a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  const auto integer = static_cast<int64_t>(number);
  if (static_cast<double>(integer) != number || integer < min) {
    Fail(object.Env(), kernel, std::string("geometry.") + field + " must be an integer ≥ " + std::to_string(min) +
                                   " (got " + std::to_string(number) + ")");
  }
  return integer;
}

}  // namespace earshot::onednn
