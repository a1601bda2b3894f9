#include "tensor/tensor_info.h"

#include <cctype>

#include "gguf/ggml_types.h"

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

std::string TensorInfo::type_name() const {
  if (ggml_type < 0) return std::string(dtype_name(dtype));
  const auto* t = gguf::find_type(gguf::GgmlType(ggml_type));
  std::string name = t ? std::string(t->name) : "ggml type " + std::to_string(ggml_type);
  for (char& c : name) c = char(std::toupper(static_cast<unsigned char>(c)));
  return name;
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
