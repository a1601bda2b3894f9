#include "io/model_source.h"

namespace aq {

std::ptrdiff_t ModelSource::find(std::string_view name) const {
  for (std::size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].name == name) return std::ptrdiff_t(i);
  return -1;
}

uint64_t ModelSource::total_bytes() const {
  uint64_t n = 0;
  for (const auto& t : tensors_) n += t.nbytes;
  return n;
}

int64_t ModelSource::total_params() const {
  int64_t n = 0;
  for (const auto& t : tensors_) n += t.numel();
  return n;
}

}  // namespace aq
