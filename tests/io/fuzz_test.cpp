// Random corruption of a valid safetensors file: opening must end in a source or an Error, and
// reading every tensor of an accepted file must stay inside the file (run under ASan/valgrind).
#include <gtest/gtest.h>

#include <random>

#include "io_test_util.h"
#include "test_support.h"

namespace {

using namespace aqtest;

std::vector<uint8_t> valid_file(const TempDir& dir) {
  write_safetensors(dir / "seed.safetensors",
                    {{"a", "F32", {3, 4}, f32_bytes(gaussian(12, 1))},
                     {"b", "F16", {5}, f16_bytes(gaussian(5, 2))},
                     {"c", "BF16", {2, 2, 2}, bf16_bytes(gaussian(8, 3))},
                     {"d", "I64", {2}, std::vector<uint8_t>(16, 1)},
                     {"e", "U8", {0}, {}}},
                    {{"k", "v"}});
  return read_file(dir / "seed.safetensors");
}

// One random corruption. Most land in the header, where the parser does its work.
std::vector<uint8_t> mutate(std::vector<uint8_t> f, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return std::size_t(rng() % std::max<std::size_t>(n, 1)); };
  // Where the header ends by its (maybe already corrupted) length, kept inside the buffer.
  const std::size_t header_end =
      std::max<std::size_t>(9, std::min<std::size_t>(f.size(), 8 + (f[0] | std::size_t(f[1]) << 8)));
  static const char kJsonChars[] = "{}[]\":,-0123456789eE.tfn \\";
  switch (rng() % 8) {
    case 0:  // flip random bits anywhere
      for (int k = 0, n = 1 + int(pick(4)); k < n; ++k) f[pick(f.size())] ^= uint8_t(1 + pick(255));
      break;
    case 1:  // truncate
      f.resize(pick(f.size() + 1));
      break;
    case 2: {  // new header length: near the old one, or anything
      const uint64_t len = rng() % 2 ? header_end - 8 + pick(33) - 16 : rng() >> pick(64);
      for (int i = 0; i < 8; ++i) f[std::size_t(i)] = uint8_t(len >> (8 * i));
      break;
    }
    case 3:
    case 4:  // JSON-significant characters inside the header
      for (int k = 0, n = 1 + int(pick(3)); k < n; ++k)
        f[8 + pick(header_end - 8)] = uint8_t(kJsonChars[pick(sizeof(kJsonChars) - 1)]);
      break;
    case 5:  // a digit changed: shapes and offsets
      for (std::size_t i = 8 + pick(header_end - 8); i < header_end; ++i)
        if (f[i] >= '0' && f[i] <= '9') {
          f[i] = uint8_t('0' + pick(10));
          break;
        }
      break;
    case 6:  // bytes inserted or removed inside the header
      if (rng() % 2)
        f.insert(f.begin() + long(8 + pick(header_end - 8)), uint8_t(pick(256)));
      else
        f.erase(f.begin() + long(8 + pick(header_end - 8)));
      break;
    default:  // data section grown or shrunk
      f.resize(header_end + pick(f.size() + 16 - header_end));
      break;
  }
  return f;
}

TEST(SafetensorsFuzz, MutationsNeverCrash) {
  TempDir dir;
  const auto seed = valid_file(dir);
  std::mt19937_64 rng(20240521);
  const auto path = dir / "fuzz.safetensors";
  int opened = 0, refused = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    auto bytes = seed;
    for (int m = 0, n = 1 + int(rng() % 3); m < n && bytes.size() > 9; ++m) bytes = mutate(bytes, rng);
    write_file(path, bytes);
    auto r = aq::open_model(path);
    if (!r.ok()) {
      ++refused;
      EXPECT_EQ(r.error().file, path.string()) << "iteration " << iter;
      EXPECT_FALSE(r.error().reason.empty()) << "iteration " << iter;
      continue;
    }
    ++opened;
    const aq::ModelSource& src = *r.value();
    ASSERT_FALSE(src.tensors().empty());
    std::vector<std::byte> scratch;
    for (std::size_t i = 0; i < src.tensors().size(); ++i) {
      const aq::TensorInfo& t = src.tensors()[i];
      ASSERT_LE(t.offset + t.nbytes, bytes.size()) << t.name << " at iteration " << iter;
      auto p = src.read_rows(i, 0, t.rows(), scratch);
      ASSERT_TRUE(p.ok()) << p.error().message();
      unsigned sum = 0;  // touch every byte so that a bad bound would be seen by the sanitizer
      for (uint64_t k = 0; k < t.nbytes; ++k) sum += unsigned((*p)[k]);
      (void)sum;
      src.release_rows(i, 0, t.rows());
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(opened, 0);  // some mutations (a digit in padding, data bytes) leave a valid file
  std::cout << "[ fuzz     ] " << opened << " opened, " << refused << " refused\n";
}

}  // namespace
