#include "primitive-cache.h"

namespace earshot::onednn {

LayoutPort::LayoutPort(const ::dnnl::memory::desc& plain, const ::dnnl::memory::desc& wanted)
    : plain_(plain, Engine(), DNNL_MEMORY_NONE), reorders_(plain != wanted) {
  if (!reorders_) return;
  wanted_ = ::dnnl::memory(wanted, Engine());  // owned buffer, reused every call
  toWanted_ = ::dnnl::reorder(plain_, wanted_);
  toPlain_ = ::dnnl::reorder(wanted_, plain_);
}

::dnnl::memory& LayoutPort::Input(void* data) {
  plain_.set_data_handle(data);
  if (!reorders_) return plain_;
  toWanted_.execute(Stream(), plain_, wanted_);
  return wanted_;
}

::dnnl::memory& LayoutPort::Output(void* data) {
  plain_.set_data_handle(data);
  return reorders_ ? wanted_ : plain_;
}

void LayoutPort::Finish() {
  if (reorders_) toPlain_.execute(Stream(), wanted_, plain_);
}

}  // namespace earshot::onednn
