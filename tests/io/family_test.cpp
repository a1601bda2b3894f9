// Guessing the model family from tensor names.
#include <gtest/gtest.h>

#include "plan/family.h"

namespace {

using aq::ModelFamily;
using Names = std::vector<std::string>;

TEST(Family, Flux) {
  EXPECT_EQ(aq::guess_family({"double_blocks.0.img_attn.qkv.weight", "single_blocks.3.linear1.weight",
                              "img_in.weight", "txt_in.weight", "time_in.in_layer.weight"}),
            ModelFamily::Flux);
  // diffusers layout, which has a context_embedder like SD3
  EXPECT_EQ(aq::guess_family({"context_embedder.weight", "transformer_blocks.0.attn.to_q.weight",
                              "single_transformer_blocks.0.attn.to_q.weight", "x_embedder.weight"}),
            ModelFamily::Flux);
  // a whole checkpoint with its VAE and text encoders
  EXPECT_EQ(aq::guess_family({"model.diffusion_model.double_blocks.0.img_mlp.0.weight",
                              "vae.encoder.down.0.block.0.conv1.weight",
                              "text_encoders.t5xxl.transformer.encoder.block.0.layer.0.SelfAttention.q.weight"}),
            ModelFamily::Flux);
}

TEST(Family, MMDiT) {
  EXPECT_EQ(aq::guess_family({"model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight",
                              "model.diffusion_model.x_embedder.proj.weight",
                              "model.diffusion_model.t_embedder.mlp.0.weight",
                              "first_stage_model.decoder.up.0.block.0.conv1.weight"}),
            ModelFamily::MMDiT);
  EXPECT_EQ(aq::guess_family({"context_embedder.weight", "transformer_blocks.0.attn.add_q_proj.weight",
                              "pos_embed.proj.weight"}),
            ModelFamily::MMDiT);
}

TEST(Family, DiT) {
  EXPECT_EQ(aq::guess_family({"x_embedder.proj.weight", "t_embedder.mlp.0.weight", "y_embedder.embedding_table.weight",
                              "blocks.0.attn.qkv.weight", "blocks.27.mlp.fc2.weight", "final_layer.linear.weight"}),
            ModelFamily::DiT);
  EXPECT_EQ(aq::guess_family({"adaln_single.emb.timestep_embedder.linear_1.weight", "pos_embed.proj.weight",
                              "transformer_blocks.0.attn1.to_q.weight"}),
            ModelFamily::DiT);
  // x_embedder and t_embedder alone are not enough
  EXPECT_EQ(aq::guess_family({"x_embedder.proj.weight", "t_embedder.mlp.0.weight"}), ModelFamily::Unknown);
}

TEST(Family, Wan) {
  EXPECT_EQ(aq::guess_family({"patch_embedding.weight", "text_embedding.0.weight", "time_embedding.0.weight",
                              "blocks.0.self_attn.q.weight", "blocks.0.cross_attn.k.weight", "head.head.weight"}),
            ModelFamily::Wan);
  EXPECT_EQ(aq::guess_family({"patch_embedding.weight", "blocks.3.self_attn.o.weight"}), ModelFamily::Wan);
}

TEST(Family, UNet) {
  // ldm names in a whole SD checkpoint: the UNet wins over the VAE and the text encoder
  EXPECT_EQ(aq::guess_family({"model.diffusion_model.input_blocks.1.0.in_layers.2.weight",
                              "model.diffusion_model.middle_block.1.proj_in.weight",
                              "model.diffusion_model.output_blocks.2.1.conv.weight",
                              "first_stage_model.encoder.down.0.block.0.conv1.weight",
                              "first_stage_model.quant_conv.weight",
                              "cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.weight"}),
            ModelFamily::UNet);
  // diffusers UNet
  EXPECT_EQ(aq::guess_family({"conv_in.weight", "time_embedding.linear_1.weight",
                              "down_blocks.0.resnets.0.conv1.weight",
                              "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.weight",
                              "mid_block.resnets.0.conv1.weight", "up_blocks.3.resnets.2.conv2.weight"}),
            ModelFamily::UNet);
  // diffusers folder names with a component prefix
  EXPECT_EQ(aq::guess_family({"unet/conv_in.weight", "unet/down_blocks.0.resnets.0.conv1.weight",
                              "vae/encoder.down_blocks.0.resnets.0.conv1.weight"}),
            ModelFamily::UNet);
}

TEST(Family, VAE) {
  EXPECT_EQ(aq::guess_family({"encoder.down.0.block.0.conv1.weight", "decoder.up.3.block.1.conv2.weight",
                              "quant_conv.weight", "post_quant_conv.weight"}),
            ModelFamily::VAE);
  // diffusers VAE: down_blocks/resnets and conv_in, but under encoder./decoder.
  EXPECT_EQ(aq::guess_family({"encoder.conv_in.weight", "encoder.down_blocks.0.resnets.0.conv1.weight",
                              "decoder.up_blocks.0.resnets.0.conv1.weight", "decoder.conv_in.weight"}),
            ModelFamily::VAE);
}

TEST(Family, TextEncoder) {
  EXPECT_EQ(aq::guess_family({"text_model.embeddings.token_embedding.weight",
                              "text_model.encoder.layers.0.self_attn.q_proj.weight",
                              "text_model.final_layer_norm.weight"}),
            ModelFamily::TextEncoder);
  EXPECT_EQ(aq::guess_family({"shared.weight", "encoder.block.0.layer.0.SelfAttention.q.weight",
                              "encoder.block.23.layer.1.DenseReluDense.wi_0.weight"}),
            ModelFamily::TextEncoder);
  EXPECT_EQ(aq::guess_family({"model.transformer.resblocks.0.attn.in_proj_weight", "model.token_embedding.weight"}),
            ModelFamily::TextEncoder);
}

TEST(Family, DiffusionLLM) {
  EXPECT_EQ(aq::guess_family({"model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                              "model.layers.0.mlp.down_proj.weight", "model.norm.weight", "lm_head.weight"}),
            ModelFamily::DiffusionLLM);
}

TEST(Family, UnknownAndEdgeCases) {
  EXPECT_EQ(aq::guess_family({}), ModelFamily::Unknown);
  EXPECT_EQ(aq::guess_family({"gt.blocks.0.net.0.weight", "gt.time_embed.0.weight", "mask_t"}),
            ModelFamily::Unknown);
  EXPECT_EQ(aq::guess_family({"fc1.weight", "fc2.bias", ""}), ModelFamily::Unknown);
  // markers must start a segment: these only contain them
  EXPECT_EQ(aq::guess_family({"myinput_blocks.0.weight", "xdouble_blocks.1.w", "notshared.weight"}),
            ModelFamily::Unknown);
}

TEST(Family, Names) {
  EXPECT_EQ(aq::family_name(ModelFamily::UNet), "UNet");
  EXPECT_EQ(aq::family_name(ModelFamily::DiT), "DiT transformer");
  for (int f = 0; f <= int(ModelFamily::DiffusionLLM); ++f)
    EXPECT_FALSE(aq::family_name(ModelFamily(f)).empty());
}

TEST(Family, FromComponent) {
  EXPECT_EQ(aq::family_from_component("unet"), ModelFamily::UNet);
  EXPECT_EQ(aq::family_from_component("vae"), ModelFamily::VAE);
  EXPECT_EQ(aq::family_from_component("text_encoder"), ModelFamily::TextEncoder);
  EXPECT_EQ(aq::family_from_component("text_encoder_2"), ModelFamily::TextEncoder);
  EXPECT_EQ(aq::family_from_component("transformer"), ModelFamily::Unknown);
  EXPECT_EQ(aq::family_from_component("scheduler"), ModelFamily::Unknown);
  EXPECT_EQ(aq::family_from_component(""), ModelFamily::Unknown);
}

}  // namespace
