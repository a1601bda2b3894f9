// The scheme table: the one list of what can be written, and the one check every entry point makes.
#include <gtest/gtest.h>

#include <random>

#include "quant/bit_pack.h"
#include "quant/scheme_traits.h"

namespace {

TEST(SchemeTraits, TheTableListsTheWidthsOnceAndSaysSo) {
  std::vector<int> bits;
  for (const auto& t : aq::scheme_table()) bits.push_back(t.bits);
  EXPECT_EQ(bits, (std::vector<int>{2, 3, 4, 8}));
  EXPECT_EQ(aq::supported_bits_text(), "2, 3, 4 or 8");
  for (int b : bits) EXPECT_EQ(aq::find_scheme(b)->bits, b);
  for (int b : {0, 1, 5, 6, 7, 9, 16, -4}) EXPECT_EQ(aq::find_scheme(b), nullptr) << b;
}

TEST(SchemeTraits, ParseBitsTakesNumbersAndNames) {
  EXPECT_EQ(aq::parse_bits("4"), 4);
  EXPECT_EQ(aq::parse_bits("INT8"), 8);
  EXPECT_EQ(aq::parse_bits("int2"), 2);
  for (const char* bad : {"", "5", "4x", "int5", " 4", "q4_k", "04"}) EXPECT_FALSE(aq::parse_bits(bad)) << bad;
}

TEST(SchemeTraits, ValidateIsTheOneCheck) {
  aq::QuantScheme s;
  for (int b : {2, 3, 4, 8})
    for (int g : {0, 8, 64, 1 << 24}) {
      s.bits = b;
      s.group_size = g;
      EXPECT_TRUE(aq::validate(s).ok()) << s.describe();
    }
  s.group_size = 64;
  s.bits = 5;
  auto v = aq::validate(s);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().reason.find("2, 3, 4 or 8"), std::string::npos) << v.error().reason;
  s.bits = 4;
  for (int g : {-1, 1, 7, (1 << 24) + 1}) {
    s.group_size = g;
    EXPECT_FALSE(aq::validate(s).ok()) << g;
  }
}

// Every row's packer against the bit layout of docs/FORMAT.md, written out bit by bit.
TEST(SchemeTraits, EveryPackerMatchesTheDocumentedBitOrder) {
  std::mt19937 rng(5);
  for (const auto& t : aq::scheme_table())
    for (int64_t n : {1, 7, 8, 9, 31, 64, 100}) {
      std::vector<uint8_t> codes(static_cast<std::size_t>(n));
      for (auto& c : codes) c = uint8_t(rng() & ((1u << t.bits) - 1));
      std::vector<uint8_t> expected(std::size_t(aq::packed_bytes(n, t.bits)), 0);
      for (int64_t j = 0; j < n; ++j)
        for (int k = 0; k < t.bits; ++k)
          if ((codes[std::size_t(j)] >> k) & 1) expected[std::size_t((j * t.bits + k) / 8)] |= uint8_t(1u << ((j * t.bits + k) % 8));
      std::vector<uint8_t> packed(expected.size(), 0xAA), back(codes.size());
      t.pack(codes.data(), n, packed.data());
      EXPECT_EQ(packed, expected) << t.name << " n=" << n;
      t.unpack(packed.data(), n, back.data());
      EXPECT_EQ(back, codes) << t.name << " n=" << n;
    }
}

TEST(SchemeTraits, PlanesAddUpToTheLayout) {
  for (const auto& t : aq::scheme_table())
    for (bool sym : {false, true})
      for (int g : {0, 32, 48}) {
        aq::QuantScheme s{t.bits, g, sym};
        const auto l = aq::packed_layout(37, 100, s);
        uint64_t total = 0;
        for (const auto& p : aq::packed_planes(l, s)) {
          EXPECT_EQ(p.rows, 37);
          total += p.bytes();
        }
        EXPECT_EQ(total, l.total_bytes()) << s.describe();
        EXPECT_EQ(aq::packed_planes(l, s).size(), sym ? 2u : 3u);
      }
}

}  // namespace
