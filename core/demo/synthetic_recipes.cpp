#include "demo/synthetic_recipes.h"

#include <cmath>

namespace aq::synth {
namespace {

void linear(std::vector<TensorRecipe>& out, const std::string& name, int64_t out_f, int64_t in_f, bool bias = true) {
  out.push_back({name + ".weight", {out_f, in_f}, Init::Linear, float(1.0 / std::sqrt(double(in_f)))});
  if (bias) out.push_back({name + ".bias", {out_f}, Init::Bias, 0.01f});
}

// DiT (Peebles & Xie) at 256x256: latent 32x32x4, patch 2, learned sigma (8 output channels),
// 1000 classes + 1 for classifier-free guidance. Blocks also carry QK-norm gains (as SD3/Flux
// blocks do) so the model has 1-D norm tensors.
std::vector<TensorRecipe> dit(int depth, int64_t hidden) {
  const int64_t patches = 256, freq = 256, head_dim = 64;
  std::vector<TensorRecipe> r;
  r.push_back({"pos_embed", {1, patches, hidden}, Init::SinCos, 1.0f});
  r.push_back({"x_embedder.proj.weight", {hidden, 4, 2, 2}, Init::Linear, 0.25f});
  r.push_back({"x_embedder.proj.bias", {hidden}, Init::Bias, 0.01f});
  linear(r, "t_embedder.mlp.0", hidden, freq);
  linear(r, "t_embedder.mlp.2", hidden, hidden);
  r.push_back({"y_embedder.embedding_table.weight", {1001, hidden}, Init::Embedding, 0.02f});
  for (int b = 0; b < depth; ++b) {
    const std::string p = "blocks." + std::to_string(b) + ".";
    linear(r, p + "attn.qkv", 3 * hidden, hidden);
    r.push_back({p + "attn.q_norm.weight", {head_dim}, Init::Norm, 0.1f});
    r.push_back({p + "attn.k_norm.weight", {head_dim}, Init::Norm, 0.1f});
    linear(r, p + "attn.proj", hidden, hidden);
    linear(r, p + "mlp.fc1", 4 * hidden, hidden);
    linear(r, p + "mlp.fc2", hidden, 4 * hidden);
    linear(r, p + "adaLN_modulation.1", 6 * hidden, hidden);
  }
  linear(r, "final_layer.linear", 2 * 2 * 8, hidden);
  linear(r, "final_layer.adaLN_modulation.1", 2 * hidden, hidden);
  return r;
}

// Dream-7B is Qwen2.5-7B-shaped: 28 layers, hidden 3584, MLP 18944, 28 query heads and 4 key/value
// heads of 128, vocabulary 152064, untied output head.
std::vector<TensorRecipe> dream7b() {
  const int64_t hidden = 3584, inter = 18944, kv = 512, vocab = 152064;
  std::vector<TensorRecipe> r;
  r.push_back({"model.embed_tokens.weight", {vocab, hidden}, Init::Embedding, 0.02f});
  for (int l = 0; l < 28; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    r.push_back({p + "input_layernorm.weight", {hidden}, Init::Norm, 0.1f});
    linear(r, p + "self_attn.q_proj", hidden, hidden);
    linear(r, p + "self_attn.k_proj", kv, hidden);
    linear(r, p + "self_attn.v_proj", kv, hidden);
    linear(r, p + "self_attn.o_proj", hidden, hidden, false);
    r.push_back({p + "post_attention_layernorm.weight", {hidden}, Init::Norm, 0.1f});
    linear(r, p + "mlp.gate_proj", inter, hidden, false);
    linear(r, p + "mlp.up_proj", inter, hidden, false);
    linear(r, p + "mlp.down_proj", hidden, inter, false);
  }
  r.push_back({"model.norm.weight", {hidden}, Init::Norm, 0.1f});
  linear(r, "lm_head", vocab, hidden, false);
  return r;
}

}  // namespace

std::vector<TensorRecipe> recipe(SyntheticPreset preset) {
  switch (preset) {
    case SyntheticPreset::DemoDiTS2: return dit(12, 384);
    case SyntheticPreset::DiTB2: return dit(12, 768);
    case SyntheticPreset::DiTXL2: return dit(28, 1152);
    case SyntheticPreset::Dream7B: return dream7b();
  }
  return {};
}

}  // namespace aq::synth
