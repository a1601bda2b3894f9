#pragma once
// The conventions ggml runtimes expect of a GGUF file written from a diffusion model: the keys
// ComfyUI-GGUF and llama.cpp read, the architecture names, ggml types for kept tensors, and
// ComfyUI-GGUF's record of shapes folded to fit GGUF's 4 dimensions.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gguf/gguf_file.h"
#include "plan/family.h"
#include "tensor/dtype.h"

namespace aq {
struct Plan;
}

namespace aq::gguf {

/// ComfyUI-GGUF's architecture name for a family ("flux", "sd1", "sdxl", "sd3", "wan", ...); empty
/// when there is none (the file then loads in stable-diffusion.cpp compatibility mode).
std::string architecture_for(ModelFamily family, const std::vector<std::string>& tensor_names);
/// Every architecture name --arch accepts.
const std::vector<std::string>& known_architectures();

/// general.architecture (when the plan has one), general.quantization_version = 2,
/// general.file_type (llama.cpp's LLAMA_FTYPE for the plan's main type), general.alignment = 32.
std::vector<std::pair<std::string, Value>> file_metadata(const Plan& plan);

/// The ggml type a kept tensor of this dtype is stored as; nullopt when GGUF has none (U8, BOOL, FP8).
std::optional<GgmlType> ggml_type_for(DType dtype);
/// The dtype a plain ggml type reads as; nullopt for block types.
std::optional<DType> dtype_for(GgmlType type);

/// "comfy.gguf.orig_shape.NAME": the original shape of a tensor stored with fewer dimensions.
std::string orig_shape_key(const std::string& tensor);
/// A shape of more than 4 dimensions with its outer ones multiplied together into 4.
std::vector<int64_t> fold_shape(const std::vector<int64_t>& shape);

}  // namespace aq::gguf
