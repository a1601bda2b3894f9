// The ggml type table (core/gguf/ggml_types.h): names, block sizes and byte sizes against the
// block structs, look-up by name and id, row sizes, and the order of the quantized rows.
#include <gtest/gtest.h>

#include <cstdint>

#include "gguf/ggml_blocks.h"
#include "ggml_codec_fixtures.h"

namespace {

using namespace aqtest::ggml;

TEST(GgmlTypes, TableMatchesBlockStructs) {
  using namespace aq::gguf;
  struct Want { GgmlType t; const char* name; int bs, ts; };
  const Want want[] = {{GgmlType::F32, "f32", 1, 4},     {GgmlType::F16, "f16", 1, 2},
                       {GgmlType::BF16, "bf16", 1, 2},   {GgmlType::Q8_0, "q8_0", 32, int(sizeof(BlockQ8_0))},
                       {GgmlType::Q4_0, "q4_0", 32, 18}, {GgmlType::Q4_1, "q4_1", 32, 20},
                       {GgmlType::Q5_0, "q5_0", 32, 22}, {GgmlType::Q5_1, "q5_1", 32, 24},
                       {GgmlType::Q2_K, "q2_k", 256, 84}, {GgmlType::Q3_K, "q3_k", 256, 110},
                       {GgmlType::Q4_K, "q4_k", 256, 144}, {GgmlType::Q5_K, "q5_k", 256, 176},
                       {GgmlType::Q6_K, "q6_k", 256, 210}};
  for (const auto& w : want) {
    const TypeTraits* t = find_type(w.t);
    ASSERT_NE(t, nullptr) << w.name;
    EXPECT_EQ(t->name, w.name);
    EXPECT_EQ(t->block_size, w.bs) << w.name;
    EXPECT_EQ(t->type_size, w.ts) << w.name;
    EXPECT_EQ(t->quantized, w.bs > 1) << w.name;
    EXPECT_NE(t->quantize, nullptr) << w.name;
    EXPECT_NE(t->dequantize, nullptr) << w.name;
    EXPECT_EQ(find_type(w.name), t);
  }
  EXPECT_EQ(find_type("Q4_K"), find_type(GgmlType::Q4_K));
  EXPECT_EQ(find_type("BF16"), find_type(GgmlType::BF16));
  EXPECT_EQ(find_type("q4_2"), nullptr);
  EXPECT_EQ(find_type(""), nullptr);
  EXPECT_EQ(find_type(GgmlType(9)), nullptr);  // q8_1: ggml-internal, never in a file we write
  EXPECT_EQ(row_bytes(*find_type(GgmlType::Q4_K), 4096), 16u * 144u);
  EXPECT_EQ(row_bytes(*find_type(GgmlType::F16), 7), 14u);
  EXPECT_EQ(uint32_t(GgmlType::Q6_K), 14u);
  EXPECT_EQ(uint32_t(GgmlType::BF16), 30u);
  // Quantized rows come by bits per weight, largest first.
  double last = 1e9;
  for (const auto& t : ggml_types()) {
    if (!t.quantized) continue;
    const double bpw = 8.0 * t.type_size / t.block_size;
    EXPECT_LE(bpw, last) << t.name;
    last = bpw;
  }
}

}  // namespace
