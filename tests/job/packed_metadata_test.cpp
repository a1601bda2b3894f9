// dequantize and compare must not trust a packed file's metadata: every field is checked, with
// arithmetic that cannot wrap, against the pieces really stored. Each case below once made
// dequantize exit 0 with wrong or missing tensors, or abort.
#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "io/model_source.h"
#include "job/compare.h"
#include "job/dequantize.h"
#include "job/job.h"
#include "model_fixtures.h"

namespace {

using aqtest::TempDir;
using nlohmann::json;

struct Packed {
  json header;               // the safetensors header, __metadata__ included
  std::vector<uint8_t> data; // the data section
};

Packed read_packed(const std::filesystem::path& file) {
  const auto bytes = aqtest::read_file(file);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[std::size_t(i)];
  Packed p;
  p.header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + long(n));
  p.data.assign(bytes.begin() + 8 + long(n), bytes.end());
  return p;
}

void write_packed(const std::filesystem::path& file, const Packed& p) {
  const std::string h = p.header.dump();
  aqtest::write_raw_safetensors(file, h.size(), h, p.data);
}

class PackedMetadata : public ::testing::Test {
 protected:
  void SetUp() override {
    aqtest::write_mini_dit(dir_ / "m.safetensors");
    aq::JobConfig c;
    c.input = dir_ / "m.safetensors";
    c.output = dir_ / "q.safetensors";
    ASSERT_EQ(aqtest::run_quietly(c).status, aq::JobStatus::Succeeded);
    good_ = read_packed(dir_ / "q.safetensors");
    spec_ = json::parse(good_.header["__metadata__"]["arrowquant"].get<std::string>());
    name_ = spec_["tensors"].begin().key();
  }
  // Writes the file with `spec` as its ArrowQuant metadata and checks dequantize and compare refuse it.
  void expect_rejected(const json& spec, const std::string& says, Packed p = {}) {
    if (p.header.is_null()) p = good_;
    p.header["__metadata__"]["arrowquant"] = spec.is_string() ? spec.get<std::string>() : spec.dump();
    write_packed(dir_ / "bad.safetensors", p);
    auto d = aq::dequantize_file(dir_ / "bad.safetensors", dir_ / "d.safetensors", aq::DType::F32);
    ASSERT_FALSE(d.ok()) << "dequantize accepted metadata: " << spec.dump().substr(0, 300);
    EXPECT_EQ(d.error().kind, aq::ErrorKind::BadInput);
    EXPECT_EQ(d.error().file, (dir_ / "bad.safetensors").string());
    EXPECT_NE(d.error().message().find(says), std::string::npos) << d.error().message();
    EXPECT_FALSE(std::filesystem::exists(dir_ / "d.safetensors"));
    EXPECT_FALSE(aq::compare_models(dir_ / "m.safetensors", dir_ / "bad.safetensors").ok());
  }
  TempDir dir_;
  Packed good_;
  json spec_;
  std::string name_;
};

TEST_F(PackedMetadata, TheUntouchedFileDequantizes) {
  write_packed(dir_ / "bad.safetensors", good_);
  EXPECT_TRUE(aq::dequantize_file(dir_ / "bad.safetensors", dir_ / "d.safetensors", aq::DType::F32).ok());
}

TEST_F(PackedMetadata, ShapeMustMatchRowsTimesCols) {
  json s = spec_;
  auto& t = s["tensors"][name_];
  t["shape"] = {t["rows"].get<int64_t>() * 2, t["cols"].get<int64_t>()};
  expect_rejected(s, "does not match the shape");
  s = spec_;
  s["tensors"][name_]["shape"] = json::array({1});
  expect_rejected(s, "does not match the shape");
  // Same element count, another factorisation (found by the fuzz loop): rows must be shape[0].
  s = spec_;
  auto& u = s["tensors"][name_];
  const int64_t r = u["rows"], c = u["cols"];
  u["shape"] = {r / 2, 2 * c};
  expect_rejected(s, "first dimension");
}

// cols x bits wrapping 64 bits made every size check pass: 4.6 TB "dequantized" into 168 bytes.
TEST_F(PackedMetadata, SizesThatOverflowAreRefused) {
  json s = spec_;
  auto& t = s["tensors"][name_];
  t["rows"] = 1;
  t["cols"] = (uint64_t(1) << 62) + 1;
  t["shape"] = {1, (uint64_t(1) << 62) + 1};
  t["group_size"] = 64;
  expect_rejected(s, "overflow");
  t["rows"] = uint64_t(1) << 40;
  t["cols"] = uint64_t(1) << 30;
  t["shape"] = {uint64_t(1) << 40, uint64_t(1) << 30};
  expect_rejected(s, name_);
}

TEST_F(PackedMetadata, EveryFieldIsTypeAndRangeChecked) {
  const std::vector<std::pair<std::string, json>> bad = {
      {"bits", 5},       {"bits", "4"},          {"bits", -4},         {"group_size", 0},
      {"group_size", -64}, {"group_size", 1.5},  {"symmetric", "no"},  {"method", 3},
      {"method", "best"}, {"dtype", "I64"},      {"dtype", 7},         {"rows", -1},
      {"cols", "many"},   {"shape", "[2,3]"},    {"shape", json::array({-1, 5})}};
  for (const auto& [field, value] : bad) {
    json s = spec_;
    s["tensors"][name_][field] = value;
    SCOPED_TRACE(field + " = " + value.dump());
    expect_rejected(s, field);
  }
  for (const char* field : {"bits", "shape", "rows", "cols", "group_size", "symmetric", "method", "dtype"}) {
    json s = spec_;
    s["tensors"][name_].erase(field);
    expect_rejected(s, std::string("'") + field + "' is missing");
  }
}

// A non-numeric format_version aborted the process with an uncaught nlohmann exception.
TEST_F(PackedMetadata, FormatVersionAndDocumentShape) {
  for (const json& v : {json("1"), json(2), json(nullptr), json(1.5), json::array()}) {
    json s = spec_;
    s["format_version"] = v;
    expect_rejected(s, "format_version");
  }
  expect_rejected(json("{not json"), "malformed JSON");
  expect_rejected(json("[1, 2]"), "not an object");
  json s = spec_;
  s["tensors"] = json::array();
  expect_rejected(s, "tensors");
}

TEST_F(PackedMetadata, PiecesMustBelongToListedTensors) {
  // A tensor listed but its codes gone.
  json s = spec_;
  s["tensors"]["not.stored.weight"] = spec_["tensors"][name_];
  expect_rejected(s, "is missing");
  // A codes entry whose tensor the metadata does not list: renamed, so it is orphaned.
  Packed p = good_;
  const std::string codes = name_ + ".aq_codes";
  p.header["orphan.weight.aq_codes"] = p.header[codes];
  p.header.erase(codes);
  expect_rejected(spec_, "no quantized tensor 'orphan.weight'", p);
  // A kept tensor under a quantized tensor's name.
  p = good_;
  p.header[name_] = p.header[codes];
  p.header.erase(codes);
  expect_rejected(spec_, name_, p);
  // Pieces with the wrong dtype or shape.
  p = good_;
  p.header[name_ + ".aq_scales"]["dtype"] = "BF16";
  expect_rejected(spec_, "aq_scales", p);
}

TEST_F(PackedMetadata, RandomFieldValuesNeverPassUnchecked) {
  std::mt19937_64 rng(11);
  const std::vector<std::string> fields = {"bits", "group_size", "rows", "cols"};
  const std::vector<json> values = {json(0), json(1), json(-1), json(3), json(7), json(1ll << 31), json(1ll << 62),
                                    json(uint64_t(-1)), json(65), json(127), json("x"), json(nullptr)};
  int rejected = 0, accepted = 0;
  for (int i = 0; i < 200; ++i) {
    json s = spec_;
    const std::string& name = std::next(spec_["tensors"].begin(), long(rng() % spec_["tensors"].size())).key();
    s["tensors"][name][fields[rng() % fields.size()]] = values[rng() % values.size()];
    Packed p = good_;
    p.header["__metadata__"]["arrowquant"] = s.dump();
    write_packed(dir_ / "r.safetensors", p);
    std::filesystem::remove(dir_ / "d.safetensors");
    auto d = aq::dequantize_file(dir_ / "r.safetensors", dir_ / "d.safetensors", aq::DType::F16);
    if (!d.ok()) {
      ++rejected;
      continue;
    }
    // Whatever is accepted must give a file our own reader accepts, with the original tensors.
    ++accepted;
    auto out = aq::open_model(dir_ / "d.safetensors");
    ASSERT_TRUE(out.ok()) << out.error().message();
    auto in = aq::open_model(dir_ / "m.safetensors");
    ASSERT_EQ((*out)->tensors().size(), (*in)->tensors().size());
    for (const auto& t : (*in)->tensors()) {
      const auto k = (*out)->find(t.name);
      ASSERT_GE(k, 0) << t.name;
      EXPECT_EQ((*out)->tensors()[std::size_t(k)].shape, t.shape) << t.name;
    }
  }
  EXPECT_GT(rejected, 150);
  std::cout << "[ mutated  ] " << accepted << " accepted, " << rejected << " rejected\n";
}

}  // namespace
