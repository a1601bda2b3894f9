// Random corruption of valid GGUF files: opening must end in a source or an Error naming the file,
// and every tensor of an accepted file must lie inside it; decoding accepted files must not crash.
// AQ_FUZZ_ITERATIONS scales the loop (scripts/fuzz.sh runs it long under ASan and UBSan).
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "io/logical_model.h"
#include "io/model_source.h"
#include "job/job.h"
#include "model_fixtures.h"

namespace {

int iterations(int fallback) {
  const char* v = std::getenv("AQ_FUZZ_ITERATIONS");
  return v ? std::max(1, std::atoi(v)) : fallback;
}

std::vector<uint8_t> valid_gguf(const aqtest::TempDir& dir, const char* type) {
  std::vector<aqtest::FixtureTensor> t = {
      {"a.weight", "F32", {4, 256}, aqtest::f32_bytes(aqtest::gaussian(1024, 1))},
      {"b.weight", "F16", {2, 64}, aqtest::f16_bytes(aqtest::gaussian(128, 2))},
      {"c.bias", "F32", {8}, aqtest::f32_bytes(aqtest::gaussian(8, 3))},
      {"d.conv", "F32", {2, 2, 2, 2, 32}, aqtest::f32_bytes(aqtest::gaussian(512, 4))}};
  aqtest::write_safetensors(dir / "seed.safetensors", t);
  aq::JobConfig c;
  c.input = dir / "seed.safetensors";
  c.output = dir / "seed.gguf";
  c.plan.scheme.ggml_type = int(std::string(type) == "q4_k" ? 12 : 8);
  c.plan.min_elements = 0;
  c.plan.keep_sensitive = false;
  EXPECT_EQ(aqtest::run_quietly(c).status, aq::JobStatus::Succeeded);
  return aqtest::read_file(dir / "seed.gguf");
}

std::vector<uint8_t> mutate(std::vector<uint8_t> f, std::size_t header_end, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return std::size_t(rng() % std::max<std::size_t>(n, 1)); };
  const std::size_t h = std::min(header_end, f.size());
  switch (rng() % 6) {
    case 0:  // bit flips, mostly in the header
      for (int k = 0, n = 1 + int(pick(4)); k < n; ++k) f[rng() % 4 ? pick(h) : pick(f.size())] ^= uint8_t(1u << pick(8));
      break;
    case 1:  // truncation
      f.resize(pick(f.size() + 1));
      break;
    case 2: {  // a count, length, dim or offset made extreme
      static const uint64_t extremes[] = {0, 1, 0xFFFFFFFFull, 0x100000000ull, ~0ull, 1ull << 62, 7, 31, 33, 255, 4096};
      const std::size_t at = pick(h > 8 ? h - 8 : 1);
      const uint64_t v = extremes[pick(std::size(extremes))];
      for (int i = 0; i < 8 && at + std::size_t(i) < f.size(); ++i) f[at + std::size_t(i)] = uint8_t(v >> (8 * i));
      break;
    }
    case 3: {  // a 4-byte field (a type, a dim count) changed
      const std::size_t at = pick(h > 4 ? h - 4 : 1);
      const uint32_t v = uint32_t(rng() % 40);
      for (int i = 0; i < 4 && at + std::size_t(i) < f.size(); ++i) f[at + std::size_t(i)] = uint8_t(v >> (8 * i));
      break;
    }
    case 4:  // bytes inserted or removed in the header
      if (rng() % 2) f.insert(f.begin() + long(pick(h)), uint8_t(pick(256)));
      else if (!f.empty()) f.erase(f.begin() + long(pick(h)));
      break;
    default:  // data section shrunk or grown
      f.resize(h + pick(f.size() + 64 - h));
      break;
  }
  return f;
}

TEST(GgufFuzz, MutationsNeverCrash) {
  aqtest::TempDir dir;
  std::mt19937_64 rng(20261130);
  const auto path = dir / "fuzz.gguf";
  int opened = 0, refused = 0;
  const int n = iterations(1500);
  for (const char* type : {"q8_0", "q4_k"}) {
    const auto seed = valid_gguf(dir, type);
    // The header of these small files is well under 1 KiB: mutations aim there.
    const std::size_t header_end = std::min<std::size_t>(seed.size(), 1024);
    for (int iter = 0; iter < n; ++iter) {
      auto bytes = seed;
      for (int m = 0, k = 1 + int(rng() % 3); m < k; ++m) bytes = mutate(bytes, header_end, rng);
      aqtest::write_file(path, bytes);
      auto r = aq::open_model(path);
      if (!r.ok()) {
        ++refused;
        EXPECT_EQ(r.error().file, path.string()) << "iteration " << iter;
        EXPECT_FALSE(r.error().reason.empty());
        continue;
      }
      ++opened;
      const aq::ModelSource& src = *r.value();
      for (const auto& t : src.tensors()) ASSERT_LE(t.offset + t.nbytes, bytes.size()) << t.name << " at " << iter;
      auto m = aq::LogicalModel::open(path);
      ASSERT_TRUE(m.ok()) << m.error().message();
      std::vector<float> rows;
      for (const auto& t : m->tensors())
        if (t.quantized || aq::is_quantizable(t.dtype)) ASSERT_TRUE(m->read_float_rows(t, 0, t.rows, rows).ok());
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(opened, 0);
  std::cout << "[ fuzz     ] GGUF: " << opened << " opened, " << refused << " refused\n";
}

}  // namespace
