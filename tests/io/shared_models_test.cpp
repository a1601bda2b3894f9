// The real MNIST diffusion weights in ../shared/models, when that folder exists (it does not in
// a user's clone, so these tests skip there).
#include <gtest/gtest.h>

#include "io_test_util.h"
#include "plan/family.h"

namespace {

using namespace aqtest;
namespace fs = std::filesystem;

const fs::path kModels = fs::path(AQ_SHARED_MODELS) / "mnist-ddpm";

TEST(SharedModels, SafetensorsAndHdf5HoldTheSameTensors) {
  if (!fs::exists(kModels / "ddm_mnist.safetensors") || !fs::exists(kModels / "ddm_mnist.h5"))
    GTEST_SKIP() << "no shared models at " << kModels;
  auto st = open_ok(kModels / "ddm_mnist.safetensors");
  auto h5 = open_ok(kModels / "ddm_mnist.h5");
  ASSERT_TRUE(st && h5);
  EXPECT_EQ(st->tensors().size(), 28u);
  EXPECT_EQ(st->total_params(), 330433);
  EXPECT_EQ(h5->tensors().size(), st->tensors().size());
  EXPECT_EQ(h5->total_params(), st->total_params());
  for (std::size_t i = 0; i < st->tensors().size(); ++i) {
    const aq::TensorInfo& t = st->tensors()[i];
    SCOPED_TRACE(t.name);
    const auto j = h5->find(t.name);
    ASSERT_GE(j, 0);
    EXPECT_EQ(h5->tensors()[std::size_t(j)].shape, t.shape);
    EXPECT_EQ(h5->tensors()[std::size_t(j)].dtype, t.dtype);
    EXPECT_EQ(read_tensor(*h5, std::size_t(j)), read_tensor(*st, i));
  }
}

TEST(SharedModels, AugmentationModelOpens) {
  if (!fs::exists(kModels / "ddpm_mnist_augmentation.safetensors")) GTEST_SKIP() << "no shared models";
  auto st = open_ok(kModels / "ddpm_mnist_augmentation.safetensors");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->tensors().size(), 29u);
  EXPECT_EQ(st->total_params(), 293235);
  EXPECT_GE(st->find("gt.frequencies"), 0);
  std::vector<std::string> names;
  for (const auto& t : st->tensors()) names.push_back(t.name);
  EXPECT_EQ(aq::guess_family(names), aq::ModelFamily::Unknown);  // a small custom CNN
}

}  // namespace
