// The real trained models in ../shared/models (not part of a user's clone: skipped when absent).
#include <gtest/gtest.h>

#include "job/job.h"
#include "test_support.h"

namespace {

const std::filesystem::path kModels = std::filesystem::path(AQ_SHARED_MODELS) / "mnist-ddpm";

TEST(SharedModels, QuantizeTheRealMnistDiffusionModels) {
  if (!std::filesystem::exists(kModels)) GTEST_SKIP() << "no " << kModels;
  aqtest::TempDir dir;
  for (const char* name : {"ddpm_mnist_augmentation.safetensors", "ddm_mnist.safetensors", "ddm_mnist.h5"}) {
    aq::JobConfig c;
    c.input = kModels / name;
    c.output = dir / "q.safetensors";
    aq::JobObserver quiet;
    aq::CancelToken cancel;
    const auto r = aq::run_job(c, quiet, cancel);
    ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << name << ": " << r.error.message();
    bool saw_frequencies = false;
    for (const auto& t : r.tensors) {
      // The time embedding's frequency buffer (values up to ~1834) must stay exact.
      if (t.name.find("frequencies") != std::string::npos) {
        saw_frequencies = true;
        EXPECT_FALSE(t.quantized()) << name;
      }
      if (t.name.find("time_embed") != std::string::npos) EXPECT_FALSE(t.quantized()) << t.name;
      if (t.quantized()) EXPECT_GT(t.metrics.sqnr_db, 15.0) << name << " " << t.name;
    }
    EXPECT_TRUE(saw_frequencies) << name;
  }
}

}  // namespace
