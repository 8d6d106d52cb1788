#pragma once
// Per-thread caches of ready primitives keyed by shape: creating a oneDNN primitive descriptor
// costs far more than running a small kernel, and each Node worker thread runs its own kernels.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "context.h"

namespace earshot::onednn {

using ShapeKey = std::vector<int64_t>;

// The entry for `key`, built by `make()` on first use. The cache is cleared when the thread
// count changes, since oneDNN sizes its work split when a primitive is created.
template <typename Entry, typename Make>
Entry& Cached(const ShapeKey& key, Make make) {
  thread_local std::map<ShapeKey, std::unique_ptr<Entry>> cache;
  thread_local int cachedFor = 0;
  const int threads = ApplyThreads();
  if (threads != cachedFor) {
    cache.clear();
    cachedFor = threads;
  }
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, make()).first;
  return *it->second;
}

// A tensor JS holds in a plain layout that a primitive may want in its own (blocked) layout:
// binds the JS pointer and reorders into or out of an owned buffer only when the layouts differ.
class LayoutPort {
 public:
  LayoutPort(const ::dnnl::memory::desc& plain, const ::dnnl::memory::desc& wanted);

  // Memory to hand the primitive for an input at `data`, reordered into its layout if needed.
  ::dnnl::memory& Input(void* data);
  // Memory the primitive writes an output to; call Finish() after it ran.
  ::dnnl::memory& Output(void* data);
  // Reorders an output into the plain layout at the pointer given to Output().
  void Finish();

 private:
  ::dnnl::memory plain_;
  ::dnnl::memory wanted_;
  bool reorders_;
  ::dnnl::reorder toWanted_;
  ::dnnl::reorder toPlain_;
};

}  // namespace earshot::onednn
