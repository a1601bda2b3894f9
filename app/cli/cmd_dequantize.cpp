#include <cstdio>

#include "cli_support.h"
#include "job/dequantize.h"
#include "report/run_report.h"

namespace aqcli {

static const char* const kHelp =
    "usage: arrowquant-cli dequantize QUANTIZED -o OUT.safetensors [--dtype f16|f32] [--allow-sparse]\n\n"
    "QUANTIZED is an ArrowQuant packed file (.safetensors or .h5) or a GGUF file.\n"
    "Writes an ordinary safetensors file with every quantized tensor restored to F16 (default) or\n"
    "F32 and its original name and shape; tensors that were kept are copied as they are. Any\n"
    "PyTorch or diffusers pipeline loads the result.\n";

int cmd_dequantize(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h")) return std::fputs(kHelp, stdout), kOk;
  const auto output = args.value("--output", "-o");
  const auto dtype_text = args.value("--dtype").value_or("f16");
  aq::OpenOptions open;
  open.allow_sparse = args.flag("--allow-sparse");
  const auto pos = args.positionals();
  if (!args.ok()) return usage_error(args.error(), "dequantize");
  if (pos.size() != 1 || !output) return usage_error("expected QUANTIZED and -o OUT", "dequantize");
  if (dtype_text != "f16" && dtype_text != "f32") return usage_error("--dtype must be f16 or f32", "dequantize");
  if (output->empty()) return usage_error("the output path is empty", "dequantize");
  auto summary =
      aq::dequantize_file(pos[0], *output, dtype_text == "f32" ? aq::DType::F32 : aq::DType::F16, &interrupt_token(), {}, open);
  if (!summary) return report_error(summary.error());
  std::printf("%zu tensors (%zu dequantized to %s, %zu copied) -> %s, %s\n", summary->tensors, summary->dequantized,
              dtype_text.c_str(), summary->tensors - summary->dequantized, output->c_str(),
              aq::format_mb(summary->output_bytes).c_str());
  return kOk;
}

}  // namespace aqcli
