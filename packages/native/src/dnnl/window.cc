#include "window.h"

#include "js-args.h"

namespace earshot::onednn {

Window ReadWindow(const Napi::Value& value, const char* kernel) {
  if (!value.IsObject()) Fail(value.Env(), kernel, "geometry must be an object");
  const auto o = value.As<Napi::Object>();
  Window w{};
  w.batch = IntField(o, "batchSize", 1, kernel);
  w.inHeight = IntField(o, "inHeight", 1, kernel);
  w.inWidth = IntField(o, "inWidth", 1, kernel);
  w.inChannels = IntField(o, "inChannels", 1, kernel);
  w.outHeight = IntField(o, "outHeight", 1, kernel);
  w.outWidth = IntField(o, "outWidth", 1, kernel);
  w.filterHeight = IntField(o, "filterHeight", 1, kernel);
  w.filterWidth = IntField(o, "filterWidth", 1, kernel);
  w.strideHeight = IntField(o, "strideHeight", 1, kernel);
  w.strideWidth = IntField(o, "strideWidth", 1, kernel);
  w.padTop = IntField(o, "padTop", 0, kernel);
  w.padBottom = IntField(o, "padBottom", 0, kernel);
  w.padLeft = IntField(o, "padLeft", 0, kernel);
  w.padRight = IntField(o, "padRight", 0, kernel);
  return w;
}

}  // namespace earshot::onednn
