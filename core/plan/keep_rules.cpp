#include "plan/keep_rules.h"

#include <array>

namespace aq {
namespace {

constexpr std::string_view kSdCpp = "stable-diffusion.cpp";
constexpr std::string_view kGguf = "ComfyUI-GGUF";
constexpr std::string_view kBoth = "stable-diffusion.cpp, ComfyUI-GGUF";
constexpr std::string_view kOwn = "";  // ArrowQuant's own rule: no runtime checked

// DiT-style transformers (DiT, PixArt) share SD3's embedder and final-layer names, so the MMDiT
// list is applied to both.
constexpr std::array kRules{
    KeepRule{ModelFamily::Unknown, MatchKind::Suffix, ".bias", "bias vector", kBoth},
    KeepRule{ModelFamily::Unknown, MatchKind::Suffix, ".scale", "norm scale", kBoth},
    KeepRule{ModelFamily::Unknown, MatchKind::Contains, "embedding", "embedding table", kSdCpp},

    KeepRule{ModelFamily::UNet, MatchKind::Contains, "time_embed.", "timestep embedding", kGguf},
    KeepRule{ModelFamily::UNet, MatchKind::Contains, "label_emb.", "class-label embedding", kGguf},
    KeepRule{ModelFamily::UNet, MatchKind::Contains, "conv_in.", "input convolution", kGguf},
    KeepRule{ModelFamily::UNet, MatchKind::Contains, "conv_out.", "output convolution", kGguf},
    KeepRule{ModelFamily::UNet, MatchKind::Contains, "input_blocks.0.0.", "input convolution", kGguf},
    KeepRule{ModelFamily::UNet, MatchKind::Contains, "out.2.", "output convolution", kGguf},

    KeepRule{ModelFamily::MMDiT, MatchKind::Contains, "x_embedder.", "patch (input) embedding", kGguf},
    KeepRule{ModelFamily::MMDiT, MatchKind::Contains, "t_embedder.", "timestep embedding", kGguf},
    KeepRule{ModelFamily::MMDiT, MatchKind::Contains, "y_embedder.", "label / pooled-text embedding", kGguf},
    KeepRule{ModelFamily::MMDiT, MatchKind::Contains, "context_embedder.", "text context embedding", kGguf},
    KeepRule{ModelFamily::MMDiT, MatchKind::Contains, "pos_embed", "positional embedding", kGguf},
    KeepRule{ModelFamily::MMDiT, MatchKind::Contains, "final_layer.", "final output layer", kGguf},

    KeepRule{ModelFamily::Flux, MatchKind::Contains, "img_in.", "image (input) embedding", kGguf},
    KeepRule{ModelFamily::Flux, MatchKind::Contains, "txt_in.", "text input embedding", kGguf},
    KeepRule{ModelFamily::Flux, MatchKind::Contains, "time_in.", "timestep embedding", kGguf},
    KeepRule{ModelFamily::Flux, MatchKind::Contains, "vector_in.", "pooled-text embedding", kGguf},
    KeepRule{ModelFamily::Flux, MatchKind::Contains, "guidance_in.", "guidance embedding", kGguf},
    KeepRule{ModelFamily::Flux, MatchKind::Contains, "final_layer.", "final output layer", kGguf},

    KeepRule{ModelFamily::Wan, MatchKind::Contains, "modulation", "adaptive-norm modulation", kGguf},
    KeepRule{ModelFamily::Wan, MatchKind::Contains, "patch_embedding", "patch (input) embedding", kGguf},
    KeepRule{ModelFamily::Wan, MatchKind::Contains, "text_embedding", "text embedding", kGguf},
    KeepRule{ModelFamily::Wan, MatchKind::Contains, "time_", "timestep embedding / projection", kGguf},
    KeepRule{ModelFamily::Wan, MatchKind::Contains, "head.", "final output head", kGguf},

    // diffusers and ldm ("first_stage_model.") VAEs alike: encoder.conv_in takes the image,
    // decoder.conv_in the latent; encoder.conv_out gives the latent, decoder.conv_out the image.
    KeepRule{ModelFamily::VAE, MatchKind::Contains, "conv_in.", "input convolution (image or latent in)", kOwn},
    KeepRule{ModelFamily::VAE, MatchKind::Contains, "conv_out.", "output convolution (latent or image out)", kOwn},
    KeepRule{ModelFamily::VAE, MatchKind::Contains, "post_quant_conv.", "latent-to-decoder 1x1 convolution", kOwn},
    KeepRule{ModelFamily::VAE, MatchKind::Contains, "quant_conv.", "encoder-to-latent 1x1 convolution", kOwn},
};

bool applies(ModelFamily rule, ModelFamily model) {
  if (rule == ModelFamily::Unknown) return true;
  // A model of unknown family (a custom UNet, say) still gets the specific lists; Wan's patterns
  // ("time_", "head.", "modulation") are too broad to apply without knowing it is Wan.
  if (model == ModelFamily::Unknown) return rule != ModelFamily::Wan;
  if (rule == ModelFamily::MMDiT) return model == ModelFamily::MMDiT || model == ModelFamily::DiT;
  return rule == model;
}

bool matches(const KeepRule& r, std::string_view name) {
  if (r.match == MatchKind::Suffix) return name.ends_with(r.pattern);
  return name.find(r.pattern) != std::string_view::npos;
}

}  // namespace

std::span<const KeepRule> builtin_keep_rules() { return kRules; }

const KeepRule* match_keep_rule(std::string_view name, ModelFamily family) {
  for (const auto& r : kRules)
    if (applies(r.family, family) && matches(r, name)) return &r;
  return nullptr;
}

}  // namespace aq
