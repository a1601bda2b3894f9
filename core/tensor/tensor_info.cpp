#include "tensor/tensor_info.h"

namespace aq {

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

int64_t TensorInfo::rows() const { return shape.size() >= 2 ? shape[0] : 1; }

int64_t TensorInfo::cols() const {
  const int64_t r = rows();
  return r == 0 ? 0 : numel() / r;
}

std::string TensorInfo::shape_string() const {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace aq
