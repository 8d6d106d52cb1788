#pragma once
// The oneDNN engine, this thread's stream, and the thread count every kernel runs with.
#include <oneapi/dnnl/dnnl.hpp>

namespace earshot::onednn {

// The CPU engine (one per process; oneDNN engines are thread-safe).
const ::dnnl::engine& Engine();

// This JS thread's stream (each Node worker thread has its own).
::dnnl::stream& Stream();

// Fixes the OpenMP team size of every later kernel call on the calling (JS) thread. Results are reproducible
// for a fixed count; a different count changes how reductions are split, hence the float order.
void SetThreads(int threads);
int Threads();

// Applies the thread count to the calling thread (OpenMP's setting is per thread) and returns a
// number that changes whenever it did, so per-thread primitive caches know to rebuild.
int ApplyThreads();

}  // namespace earshot::onednn
