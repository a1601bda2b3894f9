// Fuzz loop (b): the packed format's metadata, as dequantize and compare read it.
// Seeds are real outputs: a small synthetic model quantized by aq::run_job at 2, 3, 4 and 8 bits,
// symmetric and asymmetric, with several group sizes. Each case mutates the `arrowquant` JSON spec
// in __metadata__ (types of every field, negative and huge rows/cols/group_size/bits, shapes that
// disagree with rows x cols, cols x bits overflowing 64 bits, missing fields, format_version
// variants, tensors missing or extra, names ending in .aq_codes) and the packed tensors' shapes,
// dtypes and bytes.
// Oracle: aq::dequantize_file and aq::compare_models fail with an Error or succeed; a successful
// dequantize writes a file our own reader opens, holding exactly the tensors the input describes,
// quantized ones in the requested dtype and their original shape; no crash, no exception, no hang.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "fuzz_oracles.h"
#include "fuzz_support.h"
#include "job/compare.h"
#include "job/dequantize.h"
#include "job/job.h"
#include "packed_file_edit.h"
#include "packed_mutations.h"
#include "test_support.h"

namespace {

using namespace aqfuzz;
namespace fs = std::filesystem;

// ---- the seeds --------------------------------------------------------------------------------

struct Seeds {
  aqtest::TempDir dir;
  fs::path original;                        // the plain model
  std::vector<std::vector<uint8_t>> packed;  // its quantized outputs
  std::vector<std::string> descriptions;
};

Seeds& seeds() {
  static Seeds* s = [] {
    auto* s = new Seeds;
    using namespace aqtest;
    s->original = s->dir / "original.safetensors";
    write_safetensors(s->original,
                      {{"blocks.0.attn.qkv.weight", "F16", {24, 40}, f16_bytes(gaussian(24 * 40, 1))},
                       {"conv.weight", "F32", {8, 3, 2, 3}, f32_bytes(gaussian(8 * 18, 2))},
                       {"mlp.fc.weight", "BF16", {12, 70}, bf16_bytes(gaussian(12 * 70, 3))},
                       {"norm.weight", "F16", {40}, f16_bytes(gaussian(40, 4))},
                       {"steps", "I64", {4}, std::vector<uint8_t>(32, 2)}});
    struct Cfg { int bits, group; bool sym; aq::Method method; };
    const Cfg cfgs[] = {{4, 16, false, aq::Method::Search}, {3, 0, true, aq::Method::MinMax},
                        {2, 8, false, aq::Method::MinMax},  {8, 32, true, aq::Method::Search},
                        {4, 0, false, aq::Method::MinMax},  {3, 24, false, aq::Method::Search},
                        {2, 0, true, aq::Method::MinMax},   {8, 8, false, aq::Method::MinMax}};
    for (const Cfg& c : cfgs) {
      aq::JobConfig job;
      job.input = s->original;
      job.output = s->dir / ("packed-" + std::to_string(s->packed.size()) + ".safetensors");
      job.plan.scheme.bits = c.bits;
      job.plan.scheme.group_size = c.group;
      job.plan.scheme.symmetric = c.sym;
      job.plan.scheme.method = c.method;
      job.plan.min_elements = 16;
      job.plan.keep_sensitive = false;
      job.threads = 1;
      aq::JobObserver observer;
      aq::CancelToken cancel;
      const aq::JobResult r = aq::run_job(job, observer, cancel);
      if (r.status != aq::JobStatus::Succeeded) {
        ADD_FAILURE() << "seed quantization failed: " << r.error.message();
        continue;
      }
      s->packed.push_back(read_file(job.output));
      s->descriptions.push_back(c.sym ? "sym" : "asym");
      s->descriptions.back() += " bits=" + std::to_string(c.bits) + " group=" + std::to_string(c.group);
    }
    return s;
  }();
  return *s;
}

// ---- the oracle -------------------------------------------------------------------------------

// What a successful dequantize must write: name -> (dtype or "" for the requested, shape), from
// the input as our reader sees it. nullopt if the input's spec is not a readable document.
std::optional<std::map<std::string, std::pair<std::string, ojson>>> expected_output(const fs::path& in) {
  auto src = aq::open_model(in);
  if (!src.ok()) return std::nullopt;
  const auto& meta = src.value()->metadata();
  auto it = meta.find("arrowquant");
  if (it == meta.end()) return std::nullopt;
  const auto spec = nlohmann::json::parse(it->second, nullptr, false);
  if (spec.is_discarded() || !spec.is_object() || !spec.contains("tensors") || !spec["tensors"].is_object())
    return std::nullopt;
  std::map<std::string, std::pair<std::string, ojson>> out;
  for (const auto& t : src.value()->tensors()) {
    if (has_suffix(t.name, ".aq_codes") || has_suffix(t.name, ".aq_scales") || has_suffix(t.name, ".aq_zeros")) continue;
    out[t.name] = {std::string(aq::dtype_name(t.dtype)), ojson(t.shape)};
  }
  for (const auto& [name, e] : spec["tensors"].items())
    out[name] = {"", e.is_object() && e.contains("shape") ? ojson(e["shape"]) : ojson()};
  return out;
}

void check_dequantized(FuzzLoop& loop, const fs::path& in, const fs::path& out, aq::DType dtype) {
  auto r = aq::open_model(out);
  if (!r.ok()) {
    loop.finding("dequantize succeeded but wrote a file our own reader refuses: " + r.error().message());
    return;
  }
  check_source(loop, *r.value());
  const auto expected = expected_output(in);
  if (!expected) {
    loop.finding("dequantize succeeded on an input whose spec is not a readable document");
    return;
  }
  std::set<std::string> got;
  for (const auto& t : r.value()->tensors()) {
    got.insert(t.name);
    auto e = expected->find(t.name);
    if (e == expected->end()) {
      loop.finding("the dequantized output has a tensor '" + t.name + "' that the input does not describe");
      continue;
    }
    const std::string want_dtype = e->second.first.empty() ? std::string(aq::dtype_name(dtype)) : e->second.first;
    if (std::string(aq::dtype_name(t.dtype)) != want_dtype || ojson(t.shape) != e->second.second)
      loop.finding("the dequantized '" + t.name + "' is " + std::string(aq::dtype_name(t.dtype)) + " " +
                   t.shape_string() + ", the input describes " + want_dtype + " " + dump(e->second.second));
  }
  for (const auto& [name, v] : *expected)
    if (!got.count(name))
      loop.finding("the input describes tensor '" + name + "' (" + (v.first.empty() ? "quantized" : "kept") +
                   ") but the dequantized output lacks it");
}

// One case: dequantize `in`, check what it wrote, compare it with the original and itself.
void run_case(FuzzLoop& loop, const fs::path& original, const fs::path& in, const fs::path& out, aq::DType dtype,
              bool self_compare) {
  std::error_code ec;
  fs::remove(out, ec);
  auto d = aq::dequantize_file(in, out, dtype);
  if (d.ok()) {
    loop.count("dequantized");
    check_dequantized(loop, in, out, dtype);
  } else {
    loop.count("dequantize-refused");
    if (d.error().reason.empty()) loop.finding("dequantize: an Error with an empty reason: " + d.error().message());
    if (fs::exists(out)) loop.finding("dequantize failed but left its output behind");
  }
  auto c = aq::compare_models(original, in);
  if (c.ok()) {
    loop.count("compared");
  } else {
    loop.count("compare-refused");
    if (c.error().reason.empty()) loop.finding("compare: an Error with an empty reason: " + c.error().message());
  }
  if (self_compare) {  // the file against itself (both sides dequantized on the fly)
    auto c2 = aq::compare_models(in, in);
    if (!c2.ok() && c2.error().reason.empty()) loop.finding("compare (self): an Error with an empty reason");
  }
}

TEST(PackedMetadataFuzz, DequantizeAndCompareMutatedOutputs) {
  Seeds& s = seeds();
  ASSERT_FALSE(s.packed.empty());
  aqtest::TempDir dir;
  const fs::path in = dir / "packed.safetensors", out = dir / "dequantized.safetensors";
  FuzzLoop loop("packed-metadata", 2000);
  // The unmutated seeds first: they must round-trip.
  for (std::size_t k = 0; k < s.packed.size(); ++k) {
    spit(in, s.packed[k]);
    auto d = aq::dequantize_file(in, out, aq::DType::F32);
    ASSERT_TRUE(d.ok()) << s.descriptions[k] << ": " << d.error().message();
    auto c = aq::compare_models(s.original, in);
    ASSERT_TRUE(c.ok()) << s.descriptions[k] << ": " << c.error().message();
    EXPECT_EQ(c->problems, 0u) << s.descriptions[k];
  }
  loop.run([&](uint64_t, Rng& rng) {
    const std::size_t k = rng.below(s.packed.size());
    PFile f = parse_packed(s.packed[k]);
    std::string what = "seed " + s.descriptions[k] + ":";
    for (int m = 0, n = 1 + int(rng.below(3)); m < n; ++m) {
      try {  // a mutation may meet a value an earlier one changed the type of: then it is skipped
        if (rng.chance(0.65)) mutate_spec(f, rng, what);
        else mutate_tensors(f, rng, what);
      } catch (const nlohmann::json::exception&) {
        what += " (skipped)";
      }
    }
    std::vector<uint8_t> bytes = serialize(f);
    if (rng.chance(0.05)) {
      what += " +byte-mutation";
      bytes = mutate_bytes(std::move(bytes), rng);
    }
    spit(in, bytes);
    loop.set_input({in}, what);

    run_case(loop, s.original, in, out, rng.chance(0.5) ? aq::DType::F16 : aq::DType::F32, rng.chance(0.25));
  });
}

// Reproducers of past findings (tests/fuzz/corpus/packed): each must now be refused or
// dequantized correctly.
TEST(PackedMetadataFuzz, CorpusReplay) {
  Seeds& s = seeds();
  aqtest::TempDir dir;
  const auto files = corpus_entries("packed");
  auto loop = FuzzLoop::replay("packed-corpus", files.size());
  loop->run([&](uint64_t i, Rng&) {
    loop->set_input({files[i]}, files[i].filename().string());
    run_case(*loop, s.original, files[i], dir / "out.safetensors", i % 2 ? aq::DType::F16 : aq::DType::F32, true);
  });
}

}  // namespace
