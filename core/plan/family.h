#pragma once
// Which kind of network a set of tensor names belongs to, guessed from the names alone.
#include <string>
#include <string_view>
#include <vector>

namespace aq {

enum class ModelFamily {
  Unknown,
  UNet,          // SD 1.x/2.x/XL UNets (ldm "input_blocks" or diffusers "down_blocks")
  DiT,           // DiT / PixArt-style transformer (x_embedder, t_embedder, blocks.N)
  MMDiT,         // SD3 joint-attention transformer (joint_blocks, context_embedder)
  Flux,          // Flux (double_blocks / single_blocks, img_in, txt_in)
  Wan,           // Wan video transformer (patch_embedding, text_embedding, blocks.N.self_attn)
  VAE,           // autoencoder (encoder.down / decoder.up, quant_conv)
  TextEncoder,   // CLIP / T5 text encoders
  DiffusionLLM,  // LLM-shaped (embed_tokens, layers.N.self_attn.q_proj, lm_head): Dream, LLaDA
};

std::string_view family_name(ModelFamily f);  // "UNet", "DiT transformer", ...
ModelFamily guess_family(const std::vector<std::string>& tensor_names);
/// For a diffusers component folder name ("unet", "transformer", "vae", "text_encoder_2", ...),
/// the family its name implies; Unknown for "transformer" (guess from names instead).
ModelFamily family_from_component(std::string_view component);

}  // namespace aq
