#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/dtype.h"

namespace aq {

/// Longest tensor name accepted from a file. Real names are under 200 bytes; a longer one is a
/// corrupt or hostile file, and name matching (std::regex recurses per character) must stay cheap.
inline constexpr std::size_t kMaxTensorNameBytes = 1024;

/// One tensor of a model source: where its bytes are and how to read them.
/// Every tensor is seen as a row-major matrix [rows, cols]: rows = shape[0] (output channels of a
/// linear or conv weight), cols = the product of the other dimensions (the reduction dimension:
/// in_features, or in_channels x kh x kw). 1-D tensors are one row; 0-D tensors are 1x1.
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint32_t file_index = 0;  // which file of the source holds the data
  uint64_t offset = 0;      // absolute byte offset of the data in that file
  uint64_t nbytes = 0;      // numel() * dtype_size(dtype)
  std::string component;    // diffusers component ("unet", "vae", ...), empty for single files
  /// GGUF block-quantized tensors (gguf/ggml_types.h): the ggml type id, with dtype U8 and the
  /// bytes of one row of blocks; -1 and 0 for plain tensors.
  int ggml_type = -1;
  uint64_t stored_row_bytes = 0;

  int64_t numel() const;
  int64_t rows() const;
  int64_t cols() const;
  std::size_t row_bytes() const {
    return stored_row_bytes ? std::size_t(stored_row_bytes) : std::size_t(cols()) * dtype_size(dtype);
  }
  /// "[1152, 384]"
  std::string shape_string() const;
  /// What the stored elements are: the dtype's name, or a GGUF block type's ("Q4_K").
  std::string type_name() const;
};

}  // namespace aq
