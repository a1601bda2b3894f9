// diffusers pipeline folders: components, variant files, sharded components, odd folders.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io_test_util.h"
#include "test_support.h"

namespace {

using aq::ErrorKind;
using namespace aqtest;
namespace fs = std::filesystem;

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  write_file(p, std::vector<uint8_t>(text.begin(), text.end()));
}

class Diffusers : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_ / "pipe";
    write_text(root_ / "model_index.json", R"({"_class_name": "StableDiffusionPipeline"})");
    write_text(root_ / "scheduler" / "scheduler_config.json", "{}");
    unet_ = {{"conv_in.weight", "F32", {2, 1, 1, 1}, f32_bytes({1, 2})},
             {"down_blocks.0.resnets.0.conv1.weight", "F32", {2, 2}, f32_bytes({3, 4, 5, 6})}};
    vae_ = {{"encoder.conv_in.weight", "F16", {2}, f16_bytes({7, 8})}};
    fs::create_directories(root_ / "unet");
    fs::create_directories(root_ / "vae");
    write_safetensors(root_ / "unet" / "diffusion_pytorch_model.safetensors", unet_, {{"from", "unet"}});
    write_safetensors(root_ / "unet" / "diffusion_pytorch_model.fp16.safetensors",
                      {{"conv_in.weight", "F16", {2, 1, 1, 1}, f16_bytes({1, 2})}});
    write_safetensors(root_ / "vae" / "diffusion_pytorch_model.safetensors", vae_);
  }
  TempDir dir_;
  fs::path root_;
  std::vector<FixtureTensor> unet_, vae_;
};

TEST_F(Diffusers, TwoComponentsAndAVariant) {
  write_text(root_ / "text_encoder" / "pytorch_model.bin", "not read");
  auto src = open_ok(root_);
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "diffusers");
  EXPECT_EQ(src->path(), root_);
  ASSERT_EQ(src->files().size(), 2u);  // the fp16 variant is not mapped
  EXPECT_EQ(src->files()[0], root_ / "unet" / "diffusion_pytorch_model.safetensors");
  EXPECT_EQ(src->metadata().at("from"), "unet");
  ASSERT_EQ(src->tensors().size(), 3u);
  EXPECT_EQ(src->tensors()[0].name, "unet/conv_in.weight");
  EXPECT_EQ(src->tensors()[0].component, "unet");
  EXPECT_EQ(src->tensors()[1].name, "unet/down_blocks.0.resnets.0.conv1.weight");
  EXPECT_EQ(src->tensors()[2].name, "vae/encoder.conv_in.weight");
  EXPECT_EQ(src->tensors()[2].component, "vae");
  EXPECT_EQ(src->tensors()[2].file_index, 1u);
  EXPECT_EQ(read_tensor(*src, 0), unet_[0].bytes);
  EXPECT_EQ(read_tensor(*src, 1), unet_[1].bytes);
  EXPECT_EQ(read_tensor(*src, 2), vae_[0].bytes);

  bool variant_warned = false, bin_warned = false;
  for (const auto& w : src->warnings()) {
    variant_warned |= w.find("unet") != w.npos && w.find("diffusion_pytorch_model.fp16.safetensors") != w.npos;
    bin_warned |= w.find("text_encoder") != w.npos && w.find("PyTorch") != w.npos;
  }
  EXPECT_TRUE(variant_warned);
  EXPECT_TRUE(bin_warned);
}

TEST_F(Diffusers, ShardedComponent) {
  const fs::path tr = root_ / "transformer";
  fs::create_directories(tr);
  const FixtureTensor a{"blocks.0.w", "F32", {2}, f32_bytes({1, 2})};
  const FixtureTensor b{"blocks.1.w", "F32", {2}, f32_bytes({3, 4})};
  write_safetensors(tr / "diffusion_pytorch_model-00001-of-00002.safetensors", {a});
  write_safetensors(tr / "diffusion_pytorch_model-00002-of-00002.safetensors", {b});
  write_text(tr / "diffusion_pytorch_model.safetensors.index.json",
             nlohmann::json{{"weight_map",
                             {{"blocks.0.w", "diffusion_pytorch_model-00001-of-00002.safetensors"},
                              {"blocks.1.w", "diffusion_pytorch_model-00002-of-00002.safetensors"}}}}
                 .dump());
  // A variant index and its shard are skipped in favour of the plain index.
  write_text(tr / "diffusion_pytorch_model.safetensors.index.fp16.json", "{}");
  write_safetensors(tr / "diffusion_pytorch_model.fp16-00001-of-00001.safetensors", {a});
  auto src = open_ok(root_);
  ASSERT_TRUE(src);
  ASSERT_EQ(src->files().size(), 4u);  // transformer x2, unet, vae
  const auto i = src->find("transformer/blocks.1.w");
  ASSERT_GE(i, 0);
  EXPECT_EQ(src->tensors()[std::size_t(i)].component, "transformer");
  EXPECT_EQ(read_tensor(*src, std::size_t(i)), b.bytes);
  bool warned = false;
  for (const auto& w : src->warnings()) warned |= w.find("index.fp16.json") != w.npos;
  EXPECT_TRUE(warned);
}

TEST_F(Diffusers, ErrorInAComponentNamesItsFile) {
  write_file(root_ / "vae" / "diffusion_pytorch_model.safetensors", {9, 9});
  expect_open_error(root_, ErrorKind::BadInput, "", "shorter than the 8-byte",
                    root_ / "vae" / "diffusion_pytorch_model.safetensors");
}

TEST_F(Diffusers, WorksWithoutModelIndex) {
  fs::remove(root_ / "model_index.json");
  auto src = open_ok(root_);
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "diffusers");
  EXPECT_EQ(src->tensors().size(), 3u);
}

TEST(DiffusersFolder, NoWeightsAnywhere) {
  TempDir dir;
  write_text(dir / "scheduler" / "scheduler_config.json", "{}");
  expect_open_error(dir.path(), ErrorKind::BadInput, "", "no safetensors weights");
}

TEST(DiffusersFolder, SeveralUnrelatedFilesAreAmbiguous) {
  TempDir dir;
  write_safetensors(dir / "a.safetensors", {{"w", "F32", {1}, f32_bytes({1})}});
  write_safetensors(dir / "b.safetensors", {{"w", "F32", {1}, f32_bytes({1})}});
  expect_open_error(dir.path(), ErrorKind::BadInput, "", "several models (a.safetensors, b.safetensors)");
}

TEST(DiffusersFolder, ShardsWithoutIndex) {
  TempDir dir;
  write_safetensors(dir / "model-00001-of-00002.safetensors", {{"w", "F32", {1}, f32_bytes({1})}});
  expect_open_error(dir.path(), ErrorKind::BadInput, "", "but no *.safetensors.index.json");
}

TEST(DiffusersFolder, FolderWithOneFileOpensTheFile) {
  TempDir dir;
  const FixtureTensor t{"w", "F32", {1}, f32_bytes({1})};
  write_safetensors(dir / "sd_xl_base_1.0.safetensors", {t});
  write_safetensors(dir / "sd_xl_base_1.0.fp16.safetensors", {t});
  write_text(dir / "README.md", "hi");
  auto src = open_ok(dir.path());
  ASSERT_TRUE(src);
  EXPECT_EQ(src->format(), "safetensors");
  EXPECT_EQ(src->path(), dir.path());
  EXPECT_EQ(src->files()[0], dir / "sd_xl_base_1.0.safetensors");
  ASSERT_EQ(src->warnings().size(), 1u);
  EXPECT_NE(src->warnings()[0].find("sd_xl_base_1.0.fp16.safetensors"), std::string::npos);
}

}  // namespace
