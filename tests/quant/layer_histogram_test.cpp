// aq::layer_histograms (core/metrics/layer_histogram): the GUI's and the report's per-layer
// histograms, made with the engine's own kernels.
#include "metrics/layer_histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "io/model_source.h"
#include "quant/kernels.h"
#include "test_support.h"

namespace {

uint64_t total(const aq::Histogram& h) {
  return std::accumulate(h.counts.begin(), h.counts.end(), uint64_t(0)) + h.below + h.above;
}

aq::QuantScheme scheme(int bits, int group = 64) {
  aq::QuantScheme s;
  s.bits = bits;
  s.group_size = group;
  return s;
}

class LayerHistogramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto w = aqtest::gaussian(96 * 256, 3, 0.02f);
    aqtest::write_safetensors(dir_ / "m.safetensors",
                              {{"w", "F16", {96, 256}, aqtest::f16_bytes(w)},
                               {"b", "BF16", {256}, aqtest::bf16_bytes(aqtest::gaussian(256, 4))},
                               {"n", "F32", {8, 32}, aqtest::f32_bytes(std::vector<float>(256, 0.5f))},
                               {"i", "I32", {4}, std::vector<uint8_t>(16, 1)}});
    auto r = aq::open_model(dir_ / "m.safetensors");
    ASSERT_TRUE(r.ok()) << r.error().message();
    src_ = std::move(r.value());
  }
  std::size_t index(const char* name) const { return std::size_t(src_->find(name)); }

  aqtest::TempDir dir_;
  std::unique_ptr<aq::ModelSource> src_;
};

TEST_F(LayerHistogramTest, CountsEveryElementOnce) {
  auto h = aq::layer_histograms(*src_, index("w"), {scheme(2), scheme(4), scheme(8)});
  ASSERT_TRUE(h.ok()) << h.error().message();
  EXPECT_EQ(h->name, "w");
  EXPECT_EQ(h->rows_used, 96);
  EXPECT_EQ(h->elements, 96 * 256);
  EXPECT_EQ(h->original.counts.size(), 120u);
  EXPECT_EQ(total(h->original), uint64_t(h->elements));
  ASSERT_EQ(h->schemes.size(), 3u);
  for (const auto& s : h->schemes) {
    EXPECT_EQ(total(s.values), uint64_t(h->elements));
    EXPECT_EQ(total(s.errors), uint64_t(h->elements));
    EXPECT_EQ(s.values.lo, h->original.lo);  // same bins as the original
    EXPECT_EQ(s.values.hi, h->original.hi);
  }
  // One error range for every scheme, symmetric around zero.
  EXPECT_EQ(h->schemes[0].errors.lo, h->schemes[2].errors.lo);
  EXPECT_DOUBLE_EQ(h->schemes[0].errors.lo, -h->schemes[0].errors.hi);
  // The range is a quantile: a little lands outside, most inside.
  EXPECT_GT(h->original.below + h->original.above, 0u);
  EXPECT_LT(double(h->original.below + h->original.above), 0.02 * double(h->elements));
}

TEST_F(LayerHistogramTest, MoreBitsLessError) {
  auto h = aq::layer_histograms(*src_, index("w"), {scheme(2), scheme(3), scheme(4), scheme(8)});
  ASSERT_TRUE(h.ok());
  for (std::size_t i = 1; i < h->schemes.size(); ++i)
    EXPECT_GT(h->schemes[i].metrics.sqnr_db, h->schemes[i - 1].metrics.sqnr_db + 3);
  EXPECT_GT(h->schemes[3].metrics.cosine, 0.9999);
  EXPECT_LT(h->schemes[0].metrics.cosine, 0.99);
  // INT8 errors sit in the middle bins; INT2's spread out.
  const auto& e2 = h->schemes[0].errors;
  const auto& e8 = h->schemes[3].errors;
  const auto mid = e8.counts.size() / 2;
  EXPECT_GT(e8.counts[mid - 1] + e8.counts[mid], uint64_t(0.9 * double(h->elements)));
  EXPECT_LT(e2.counts[mid - 1] + e2.counts[mid], uint64_t(0.5 * double(h->elements)));
}

TEST_F(LayerHistogramTest, MatchesTheKernelsOnTheSampledRows) {
  // Per-channel INT4 through the public kernels by hand, on all rows: same error sums.
  auto h = aq::layer_histograms(*src_, index("w"), {scheme(4, 0)});
  ASSERT_TRUE(h.ok());
  const auto& k = aq::best_kernels();
  const auto& info = src_->tensors()[index("w")];
  std::vector<std::byte> scratch;
  auto bytes = src_->read_rows(index("w"), 0, info.rows(), scratch);
  ASSERT_TRUE(bytes.ok());
  std::vector<float> x(std::size_t(info.numel()));
  k.to_f32(info.dtype, *bytes, x.data(), info.numel());
  const auto lay = aq::packed_layout(1, info.cols(), scheme(4, 0));
  std::vector<uint8_t> codes(std::size_t(lay.row_bytes));
  std::vector<uint16_t> scales(std::size_t(lay.groups_per_row)), zeros(scales.size());
  aq::ErrorSums sums;
  for (int64_t r = 0; r < info.rows(); ++r)
    ASSERT_EQ(k.quantize_row(x.data() + r * info.cols(), info.cols(), scheme(4, 0),
                             {codes.data(), scales.data(), zeros.data()}, sums).status,
              aq::RowStatus::Ok);
  EXPECT_NEAR(h->schemes[0].metrics.sqnr_db, aq::metrics_from(sums).sqnr_db, 1e-6);
}

TEST_F(LayerHistogramTest, SamplesWholeRowsUpToTheLimit) {
  aq::HistogramOptions o;
  o.max_elements = 1000;  // fewer than 4 rows of 256
  o.bins = 32;
  auto h = aq::layer_histograms(*src_, index("w"), {scheme(4)}, o);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rows_used, 3);
  EXPECT_EQ(h->elements, 3 * 256);
  EXPECT_EQ(h->original.counts.size(), 32u);
  EXPECT_EQ(total(h->schemes[0].values), uint64_t(h->elements));
}

TEST_F(LayerHistogramTest, OneDimensionalBf16AndConstantTensors) {
  auto b = aq::layer_histograms(*src_, index("b"), {scheme(8)});
  ASSERT_TRUE(b.ok()) << b.error().message();
  EXPECT_EQ(b->elements, 256);
  // A constant tensor still gets a drawable range, and quantizes exactly.
  auto n = aq::layer_histograms(*src_, index("n"), {scheme(4)});
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_LT(n->original.lo, n->original.hi);
  EXPECT_EQ(total(n->original), 256u);
  EXPECT_LT(n->schemes[0].metrics.max_abs_error, 1e-3);
}

TEST_F(LayerHistogramTest, NoSchemesGivesTheOriginalOnly) {
  auto h = aq::layer_histograms(*src_, index("w"), {});
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->schemes.empty());
  EXPECT_EQ(total(h->original), uint64_t(h->elements));
}

TEST_F(LayerHistogramTest, ErrorsAreValues) {
  auto i = aq::layer_histograms(*src_, index("i"), {scheme(4)});
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.error().kind, aq::ErrorKind::Unsupported);
  EXPECT_EQ(i.error().tensor, "i");
  auto bad = aq::layer_histograms(*src_, index("w"), {scheme(5)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, aq::ErrorKind::BadInput);
  auto out = aq::layer_histograms(*src_, 99, {scheme(4)});
  EXPECT_FALSE(out.ok());
}

}  // namespace
