#include "plan/family.h"

#include <cctype>

namespace aq {
namespace {

// Names carry prefixes ("model.diffusion_model.", "first_stage_model.", "unet/"), so markers are
// matched at the start of any dotted or slashed segment, never inside one: "blocks." must not
// match "transformer_blocks.".
bool segment_start(std::string_view name, std::size_t pos) {
  return pos == 0 || name[pos - 1] == '.' || name[pos - 1] == '/';
}

bool has(std::string_view name, std::string_view marker) {
  for (auto p = name.find(marker); p != std::string_view::npos; p = name.find(marker, p + 1))
    if (segment_start(name, p)) return true;
  return false;
}

// `prefix` N `suffix` with N one or more digits, e.g. "blocks.", ".self_attn." ~ "blocks.12.self_attn.".
bool has_numbered(std::string_view name, std::string_view prefix, std::string_view suffix) {
  for (auto p = name.find(prefix); p != std::string_view::npos; p = name.find(prefix, p + 1)) {
    if (!segment_start(name, p)) continue;
    std::size_t q = p + prefix.size();
    const std::size_t digits = q;
    while (q < name.size() && std::isdigit(static_cast<unsigned char>(name[q]))) ++q;
    if (q > digits && name.substr(q, suffix.size()) == suffix) return true;
  }
  return false;
}

bool ends_with_segment(std::string_view name, std::string_view tail) {
  return name.size() >= tail.size() && name.substr(name.size() - tail.size()) == tail &&
         segment_start(name, name.size() - tail.size());
}

// Which markers appear anywhere in the model.
struct Markers {
  bool flux = false, mmdit = false;
  bool x_embedder = false, t_embedder = false, blocks_n = false, adaln_single = false;
  bool patch_embedding = false, text_embedding = false, wan_self_attn = false;
  bool ldm_unet = false, diffusers_unet_blocks = false, unet_stem = false;
  bool vae = false, text_encoder = false, llm = false;

  void scan(std::string_view n) {
    flux |= has(n, "double_blocks.") || has(n, "single_blocks.") || has(n, "img_in.") ||
            has(n, "single_transformer_blocks.");
    mmdit |= has(n, "joint_blocks.") || has(n, "context_embedder.");
    x_embedder |= has(n, "x_embedder.");
    t_embedder |= has(n, "t_embedder.");
    blocks_n |= has_numbered(n, "blocks.", ".");
    adaln_single |= has(n, "adaln_single.");  // PixArt in diffusers layout
    patch_embedding |= has(n, "patch_embedding.");
    text_embedding |= has(n, "text_embedding.");
    wan_self_attn |= has_numbered(n, "blocks.", ".self_attn.");
    ldm_unet |= has(n, "input_blocks.") || has(n, "output_blocks.") || has(n, "middle_block.");
    // diffusers VAEs also have down_blocks/resnets and conv_in, but under encoder./decoder.
    const bool in_autoencoder = has(n, "encoder.") || has(n, "decoder.");
    diffusers_unet_blocks |= !in_autoencoder &&
                             (has(n, "down_blocks.") || has(n, "up_blocks.") || has(n, "mid_block.")) &&
                             (n.find(".resnets.") != n.npos || n.find(".attentions.") != n.npos);
    unet_stem |= !in_autoencoder && (has(n, "conv_in.") || has(n, "time_embedding."));
    vae |= has(n, "encoder.down") || has(n, "decoder.up") || has(n, "quant_conv.") ||
           has(n, "post_quant_conv.");
    text_encoder |= has(n, "text_model.encoder.layers.") || has_numbered(n, "encoder.block.", ".layer.") ||
                    ends_with_segment(n, "shared.weight") || has(n, "transformer.resblocks.");
    llm |= has(n, "embed_tokens.") || has_numbered(n, "model.layers.", ".self_attn.q_proj") ||
           has(n, "lm_head.");
  }
};

}  // namespace

std::string_view family_name(ModelFamily f) {
  switch (f) {
    case ModelFamily::Unknown: return "Unknown";
    case ModelFamily::UNet: return "UNet";
    case ModelFamily::DiT: return "DiT transformer";
    case ModelFamily::MMDiT: return "MMDiT transformer (SD3)";
    case ModelFamily::Flux: return "Flux transformer";
    case ModelFamily::Wan: return "Wan video transformer";
    case ModelFamily::VAE: return "VAE";
    case ModelFamily::TextEncoder: return "Text encoder";
    case ModelFamily::DiffusionLLM: return "Diffusion LLM";
  }
  return "Unknown";
}

ModelFamily guess_family(const std::vector<std::string>& tensor_names) {
  Markers m;
  for (const auto& n : tensor_names) m.scan(n);
  // Denoisers first: a whole checkpoint bundles its VAE and text encoders, and the denoiser is
  // what names the model. Flux before MMDiT: Flux in diffusers layout has a context_embedder too.
  if (m.flux) return ModelFamily::Flux;
  if (m.mmdit) return ModelFamily::MMDiT;
  if (m.patch_embedding && (m.wan_self_attn || m.text_embedding || m.blocks_n)) return ModelFamily::Wan;
  if ((m.x_embedder && m.t_embedder && m.blocks_n) || m.adaln_single) return ModelFamily::DiT;
  if (m.ldm_unet || (m.diffusers_unet_blocks && m.unet_stem)) return ModelFamily::UNet;
  if (m.vae) return ModelFamily::VAE;
  if (m.text_encoder) return ModelFamily::TextEncoder;
  if (m.llm) return ModelFamily::DiffusionLLM;
  return ModelFamily::Unknown;
}

ModelFamily family_from_component(std::string_view component) {
  if (component == "unet") return ModelFamily::UNet;
  if (component.substr(0, 3) == "vae") return ModelFamily::VAE;
  if (component.substr(0, 12) == "text_encoder") return ModelFamily::TextEncoder;
  return ModelFamily::Unknown;  // transformer, prior, ...: the names decide
}

}  // namespace aq
