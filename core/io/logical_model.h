#pragma once
// A model as its user thinks of it: the original tensors, whether stored plainly or in
// ArrowQuant's packed form. Rows read as float are dequantized on the fly, block by block, so
// dequantize and compare run in bounded memory.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/model_source.h"
#include "quant/scheme.h"
#include "util/result.h"

namespace aq {

struct LogicalTensor {
  std::string name;
  DType dtype = DType::F32;      // the original dtype
  std::vector<int64_t> shape;    // the original shape
  int64_t rows = 0, cols = 0;
  bool quantized = false;
  std::size_t data = 0;          // source index: the tensor itself, or its codes
  std::size_t scales = 0;        // source index (quantized)
  std::ptrdiff_t zeros = -1;     // source index, -1 when symmetric
  QuantScheme scheme;            // quantized
  PackedLayout layout;           // quantized
};

class LogicalModel {
 public:
  static Result<LogicalModel> open(const std::filesystem::path& path, const OpenOptions& options = {});

  const ModelSource& source() const { return *source_; }
  const std::vector<LogicalTensor>& tensors() const { return tensors_; }
  bool packed() const { return packed_; }
  const LogicalTensor* find(const std::string& name) const;

  /// Rows [r0, r1) as float, dequantized when packed. Only for float or quantized tensors.
  /// Thread-safe.
  Status read_float_rows(const LogicalTensor& t, int64_t r0, int64_t r1, std::vector<float>& out) const;

 private:
  std::unique_ptr<ModelSource> source_;
  std::vector<LogicalTensor> tensors_;
  bool packed_ = false;
};

}  // namespace aq
