#include "job/source_checks.h"

#include "gguf/ggml_types.h"
#include "io/model_source.h"
#include "io/packed_format.h"

namespace aq {

Status check_quantizable_source(const ModelSource& source) {
  const std::string file = source.path().string();
  if (packed::is_packed(source.metadata()))
    return make_error(ErrorKind::BadInput, file, "",
                      "this is an ArrowQuant packed file (already quantized): quantizing it again would treat its "
                      "codes, scales and zero points as weights. Dequantize it first (arrowquant-cli dequantize " +
                          source.path().filename().string() + " -o FILE.safetensors) and quantize that, or better, "
                          "quantize the original model");
  for (const auto& t : source.tensors())
    if (t.ggml_type >= 0)
      return make_error(ErrorKind::BadInput, file, t.name,
                        "this GGUF file is already quantized (" + std::string(gguf::find_type(gguf::GgmlType(t.ggml_type))->name) +
                            "): quantizing it again would lose more. Dequantize it first (arrowquant-cli dequantize " +
                            source.path().filename().string() + " -o FILE.safetensors), or better, quantize the original model");
  for (const auto& t : source.tensors())
    if (packed::has_reserved_suffix(t.name))
      return make_error(ErrorKind::BadInput, file, t.name,
                        "the name ends in '.aq_codes', '.aq_scales' or '.aq_zeros', which ArrowQuant's packed format "
                        "reserves for the pieces of quantized tensors: rename the tensor before quantizing");
  return {};
}

}  // namespace aq
