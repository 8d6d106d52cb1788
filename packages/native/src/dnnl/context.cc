#include "context.h"

#include <omp.h>

#include <thread>

namespace earshot::onednn {
namespace {

int DefaultThreads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

// Per JS thread, as OpenMP's own setting: each Node worker sizes its team for its share of the cores.
thread_local int t_threads = DefaultThreads();

}  // namespace

const ::dnnl::engine& Engine() {
  static const ::dnnl::engine engine(::dnnl::engine::kind::cpu, 0);
  return engine;
}

::dnnl::stream& Stream() {
  thread_local ::dnnl::stream stream(Engine());
  return stream;
}

void SetThreads(int threads) { t_threads = threads; }

int Threads() { return t_threads; }

int ApplyThreads() {
  thread_local int applied = 0;
  const int wanted = t_threads;
  if (applied != wanted) {
    omp_set_num_threads(wanted);
    applied = wanted;
  }
  return applied;
}

}  // namespace earshot::onednn
