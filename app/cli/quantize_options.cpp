#include "quantize_options.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "calib/calibration_file.h"
#include "gguf/ggml_types.h"
#include "gguf/gguf_names.h"
#include "gguf/type_choice.h"
#include "io/output_formats.h"
#include "quant/scheme_traits.h"

namespace aqcli {

const char* const kQuantizeOptionsHelp =
    "  --bits 2|3|4|8            bits per weight code (default 4)\n"
    "  --group-size N|channel    elements per scale: 8 up to a whole row, or 'channel' (default 64)\n"
    "  --symmetric               symmetric codes, no zero points (default: asymmetric)\n"
    "  --method minmax|search    min-max rounding, or error-minimising range search (default search)\n"
    "  --mode streaming|batch    bounded memory, or all tensors in parallel (default streaming)\n"
    "  --threads N               worker threads, 0 = all cores (default 0)\n"
    "  --keep REGEX              keep matching tensors in float (repeatable; first match wins)\n"
    "  --rule REGEX=BITS[:GROUP] other bits / group size for matching tensors (repeatable);\n"
    "                            BITS may be 'keep' or, for GGUF, a ggml type; GROUP may be 'channel'\n"
    "  --type T                  GGUF output (-o OUT.gguf): the ggml type, one of f32 f16 bf16 q8_0\n"
    "                            q5_0 q5_1 q4_0 q4_1 q6_k q5_k q4_k q3_k q2_k (any case). Without it\n"
    "                            a .gguf output takes the type nearest --bits: 8 q8_0, 4 q4_k, 3 q3_k,\n"
    "                            2 q2_k. A tensor whose innermost dimension the type's block does not\n"
    "                            divide falls back (K types -> q4_0/q4_1/q5_1/q8_0 -> f16), with the\n"
    "                            reason shown by plan and --verbose\n"
    "  --arch NAME               GGUF general.architecture (flux sd1 sdxl sd3 aura hidream cosmos ltxv\n"
    "                            hyvid wan lumina2 qwen_image), or 'none'; default: from the family\n"
    "  --min-elements N          keep tensors of at most N elements (default 1024)\n"
    "  --no-default-keep         do not apply the built-in diffusion-sensitive name rules\n"
    "  --block-mb N              streaming block size in MB of input (default 8)\n"
    "  --allow-sparse            read HDF5 datasets that are not fully written, or that declare far\n"
    "                            more data than the file holds (refused by default: a bomb guard)\n"
    "  --calibration FILE.h5     calibration data (docs/CALIBRATION.md, scripts/calibrate.py): each\n"
    "                            tensor's rounding error is compensated (GPTQ) and its output error\n"
    "                            is measured per timestep bucket; tensors without data stay data-free\n"
    "  --damping X               added to H's diagonal, as a fraction of its mean (default 0.01)\n"
    "  --act-order               compensate columns by decreasing activation energy (integer schemes;\n"
    "                            group parameters are then fixed from the original weights)\n"
    "  --timestep-weights LIST   one weight per timestep bucket, e.g. 1,1,1,2,2 (default: uniform)\n"
    "  --no-compensation         with --calibration: round data-free, only measure the output error\n"
    "  --target-bpw X            mixed precision: choose each tensor's bits and group size (or ggml\n"
    "                            type) so the whole output takes at most X bits per weight, with the\n"
    "                            least total error (measured on sampled rows; the output error when\n"
    "                            --calibration is given); --rule and --keep still win\n"
    "  --target-size SIZE        the same for a size, e.g. 2GB, 1.5GiB, 800MB\n";

std::optional<std::string> parse_quantize_options(Args& args, aq::JobConfig& config) {
  auto& scheme = config.plan.scheme;
  if (auto v = args.value("--bits")) {
    const auto bits = aq::parse_bits(*v);
    if (!bits) return "--bits must be " + aq::supported_bits_text();
    scheme.bits = *bits;
  }
  if (auto v = args.value("--group-size")) {
    if (*v == "channel" || *v == "row") {
      scheme.group_size = 0;
    } else {
      auto n = parse_count(*v);
      if (!n || *n < aq::kMinGroupSize || *n > aq::kMaxGroupSize)
        return "--group-size must be a number from " + std::to_string(aq::kMinGroupSize) + " to " +
               std::to_string(aq::kMaxGroupSize) + ", or 'channel'";
      scheme.group_size = int(*n);
    }
  }
  const bool sym = args.flag("--symmetric"), asym = args.flag("--asymmetric");
  if (sym && asym) return "--symmetric and --asymmetric exclude each other";
  scheme.symmetric = sym;
  if (auto v = args.value("--method")) {
    auto m = aq::method_from_name(*v);
    if (!m) return "--method must be minmax or search";
    scheme.method = *m;
  }
  if (auto v = args.value("--mode")) {
    if (*v == "streaming") config.mode = aq::Mode::Streaming;
    else if (*v == "batch") config.mode = aq::Mode::Batch;
    else return "--mode must be streaming or batch";
  }
  if (auto v = args.value("--threads")) {
    auto n = parse_count(*v);
    if (!n || *n > 1024) return "--threads must be a number (0 = all cores)";
    config.threads = int(*n);
  }
  if (auto v = args.value("--min-elements")) {
    auto n = parse_count(*v);
    if (!n) return "--min-elements must be a number";
    config.plan.min_elements = *n;
  }
  if (auto v = args.value("--block-mb")) {
    auto n = parse_count(*v);
    if (!n || *n < 1 || *n > 4096) return "--block-mb must be between 1 and 4096";
    config.block_bytes = uint64_t(*n) << 20;
  }
  if (args.flag("--no-default-keep")) config.plan.keep_sensitive = false;
  if (args.flag("--allow-sparse")) config.open.allow_sparse = true;
  if (auto v = args.value("--type")) {
    const auto* type = aq::gguf::find_type(*v);
    if (!type || !type->quantize)
      return "--type must be one of f32 f16 bf16 q8_0 q5_0 q5_1 q4_0 q4_1 q6_k q5_k q4_k q3_k q2_k, not '" + *v + "'";
    scheme.ggml_type = int(type->type);
  }
  if (auto v = args.value("--arch")) {
    const auto& known = aq::gguf::known_architectures();
    if (*v != "none" && std::find(known.begin(), known.end(), *v) == known.end())
      return "--arch must be one of flux sd1 sdxl sd3 aura hidream cosmos ltxv hyvid wan lumina2 qwen_image, or none";
    config.plan.gguf_architecture = *v;
  }
  if (auto v = args.value("--calibration")) config.calibration.file = *v;
  const auto damping = args.value("--damping");
  if (const auto& v = damping) {
    char* end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !(d > 0) || d > 100) return "--damping must be a number above 0 (0.01 is 1%)";
    config.calibration.gptq.damping = d;
  }
  if (args.flag("--act-order")) config.calibration.gptq.act_order = true;
  if (args.flag("--no-compensation")) config.calibration.gptq.compensate = false;
  if (auto v = args.value("--timestep-weights")) {
    auto w = aq::parse_timestep_weights(*v);
    if (!w) return w.error().reason;
    config.calibration.timestep_weights = std::move(*w);
  }
  if (!config.calibration.enabled() &&
      (config.calibration.gptq.act_order || !config.calibration.timestep_weights.empty() || damping ||
       !config.calibration.gptq.compensate))
    return "--damping, --act-order, --no-compensation and --timestep-weights need --calibration FILE";
  if (auto v = args.value("--target-bpw")) {
    char* end = nullptr;
    const double bpw = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !(bpw > 0) || bpw > 64) return "--target-bpw must be a number of bits per weight, e.g. 4.25";
    config.budget.target_bpw = bpw;
  }
  if (auto v = args.value("--target-size")) {
    const auto bytes = aq::parse_size(*v);
    if (!bytes) return "--target-size must be a size such as 2GB, 1.5GiB or 800MB, not '" + *v + "'";
    config.budget.target_bytes = *bytes;
  }
  if (config.budget.target_bpw > 0 && config.budget.target_bytes > 0) return "give --target-bpw or --target-size, not both";
  // --keep and --rule interleave in one first-match-wins list, in command-line order.
  for (const auto& [option, text] : args.tagged_values({"--keep", "--rule"})) {
    auto rule = option == "--keep" ? aq::make_keep_rule(text) : aq::parse_user_rule(text);
    if (!rule) return rule.error().reason;
    config.plan.rules.push_back(std::move(*rule));
  }
  return std::nullopt;
}

std::optional<std::string> settle_output_type(const std::string& output, aq::JobConfig& config, bool explicit_type) {
  auto& scheme = config.plan.scheme;
  const auto* format = aq::output_format_for(output);
  const bool gguf = format && format->id == "gguf";
  if (!gguf && explicit_type) return "--type applies to a GGUF output (-o OUT.gguf) only";
  if (gguf && !scheme.is_ggml()) {
    const auto* type = aq::gguf::type_for_bits(scheme.bits);
    if (!type) return "no ggml type stands for --bits " + std::to_string(scheme.bits) + ": give --type";
    scheme.ggml_type = int(type->type);
    std::fprintf(stderr, "note: a GGUF output at --bits %d is written as %s (choose another with --type)\n", scheme.bits,
                 std::string(type->name).c_str());
  }
  return std::nullopt;
}

}  // namespace aqcli
