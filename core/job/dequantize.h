#pragma once
// dequantize: an ArrowQuant packed file back to an ordinary F16/F32 safetensors file that any
// PyTorch or diffusers pipeline loads. Row blocks at a time: memory stays bounded.
#include <cstdint>
#include <filesystem>
#include <functional>

#include "io/open_options.h"
#include "tensor/dtype.h"
#include "util/result.h"

namespace aq {

class CancelToken;

struct DequantizeSummary {
  std::size_t tensors = 0;
  std::size_t dequantized = 0;  // the rest were copied as they were
  uint64_t output_bytes = 0;    // file size
};

/// `dtype` is F16 or F32. Kept tensors are copied unchanged. Atomic output.
Result<DequantizeSummary> dequantize_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                          DType dtype, const CancelToken* cancel = nullptr,
                                          const std::function<void(double)>& progress = {},
                                          const OpenOptions& open = {});

}  // namespace aq
