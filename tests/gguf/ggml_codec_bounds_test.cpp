// Bounds: decoders read n / block_size blocks and write n floats; encoders write
// n / block_size blocks. Exactly sized heap buffers (AddressSanitizer) plus sentinels.
// Also: unaligned block pointers, and deterministic encoding.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "gguf/ggml_types.h"
#include "ggml_codec_fixtures.h"

namespace {

using namespace aqtest::ggml;

TEST(GgmlCodec, StaysInsideItsBuffers) {
  std::mt19937 rng(9);
  for (GgmlType t : kCoded) {
    const auto& tr = type(t);
    for (int blocks : {1, 2, 3, 17}) {
      const int64_t n = int64_t(blocks) * tr.block_size;
      const std::size_t nbytes = aq::gguf::row_bytes(tr, n);
      // Decoder: random block bytes, exactly sized; output with sentinels on both sides.
      std::vector<uint8_t> in(nbytes);
      for (auto& b : in) b = uint8_t(rng());
      std::vector<float> out(std::size_t(n) + 16, 7.0f);
      tr.dequantize(in.data(), n, out.data() + 8);
      for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(out[std::size_t(i)], 7.0f) << name(t);
        EXPECT_EQ(out[std::size_t(n) + 8 + std::size_t(i)], 7.0f) << name(t);
      }
      // Encoder: exactly sized input and weights; output with sentinels.
      const auto x = gaussian(n, uint64_t(blocks));
      const std::vector<float> w(std::size_t(n), 0.5f);
      std::vector<uint8_t> q(nbytes + 32, 0xa5);
      tr.quantize(x.data(), n, q.data() + 16, w.data());
      tr.quantize(x.data(), n, q.data() + 16, nullptr);
      for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(q[std::size_t(i)], 0xa5) << name(t);
        EXPECT_EQ(q[nbytes + 16 + std::size_t(i)], 0xa5) << name(t);
      }
      // Unaligned block pointers are fine (blocks are memcpy'd).
      std::vector<uint8_t> un(nbytes + 1);
      std::memcpy(un.data() + 1, q.data() + 16, nbytes);
      std::vector<float> y1(static_cast<std::size_t>(n)), y2(static_cast<std::size_t>(n));
      tr.dequantize(un.data() + 1, n, y1.data());
      tr.dequantize(q.data() + 16, n, y2.data());
      EXPECT_EQ(y1, y2) << name(t);
    }
  }
}

TEST(GgmlCodec, EncodingIsDeterministic) {
  for (GgmlType t : kQuantized) {
    const auto x = heavy(4096, 5);
    EXPECT_EQ(round_trip(t, x), round_trip(t, x)) << name(t);
  }
}

}  // namespace
