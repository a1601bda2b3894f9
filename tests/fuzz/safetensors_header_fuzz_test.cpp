// Fuzz loop (a): safetensors headers. Structure-aware generation of headers (random JSON trees,
// shapes with 0 and huge dimensions, unknown dtypes, overlapping and out-of-range offsets,
// duplicate keys, deep nesting, long names with control characters and invalid UTF-8,
// __metadata__ variants) and byte mutations of valid files.
// Oracle: aq::open_model gives a source or an Error naming the path with a reason; every byte of
// every accepted tensor lies inside the file and is read; no exception escapes.
#include <gtest/gtest.h>

#include "fuzz_oracles.h"
#include "fuzz_support.h"
#include "test_support.h"

namespace {

using namespace aqfuzz;

const char* const kDtypes[] = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "I64", "I32",
                               "I16", "I8",  "U64", "U32", "U16", "U8",   "BOOL"};
const uint64_t kSizes[] = {8, 4, 2, 2, 1, 1, 8, 4, 2, 1, 8, 4, 2, 1, 1};

struct Generated {
  std::vector<uint8_t> bytes;
  std::string what;  // a short description for the report
};

JNode metadata_variant(Rng& rng, std::string& what) {
  switch (rng.below(8)) {
    case 0: what += " meta:null"; return JNode::null();
    case 1: what += " meta:array"; return random_json(rng, 2).kind == JNode::Arr ? random_json(rng, 2) : JNode::array();
    case 2: what += " meta:string"; return JNode::str("format");
    case 3: {
      what += " meta:non-string value";
      JNode o = JNode::object();
      o.add("k", random_json(rng, 2));
      return o;
    }
    case 4: {
      what += " meta:arrowquant";
      JNode o = JNode::object();
      o.add("format", JNode::str("arrowquant"));
      o.add("arrowquant", JNode::str(rng.chance(0.5) ? random_json(rng, 3).dump() : "{\"format_version\":1,\"tensors\":{}}"));
      return o;
    }
    case 5: what += " meta:deep"; return deep_nesting(rng);
    default: {
      what += " meta:strings";
      JNode o = JNode::object();
      for (int k = 0, n = int(rng.below(4)); k < n; ++k) o.add(random_name(rng), JNode::str(random_name(rng)));
      return o;
    }
  }
}

Generated generate(Rng& rng) {
  Generated g;
  // Four files in ten are nearly valid (defects ten times rarer), so that deeper checks are reached.
  const double k = rng.chance(0.4) ? 0.1 : 1.0;
  auto defect = [&](double p) { return rng.chance(p * k); };
  JNode root = JNode::object();
  const int n = int(rng.below(7));
  uint64_t cursor = 0;
  bool big_data = false;
  g.what = std::to_string(n) + " tensors";
  for (int k = 0; k < n; ++k) {
    const std::string name = rng.chance(0.75) ? "t" + std::to_string(k) : random_name(rng);
    // dtype
    JNode dtype;
    uint64_t elem = 0;
    if (!defect(0.2)) {
      const std::size_t d = rng.below(std::size(kDtypes));
      dtype = JNode::str(kDtypes[d]);
      elem = kSizes[d];
    } else if (rng.chance(0.6)) {
      static const char* const kUnknown[] = {"F4", "f16", "", "Q4_K", "I128", "F16 ", "BF16\n", "C64", "STR"};
      dtype = JNode::str(rng.pick(kUnknown));
      g.what += " unknown-dtype";
    } else {
      dtype = random_scalar(rng);
      g.what += " non-string-dtype";
    }
    // shape
    JNode shape = JNode::array();
    bool sane = true;
    unsigned __int128 numel = 1;
    const uint64_t mode = defect(0.3) ? 7 + rng.below(3) : 0;
    if (mode < 7) {
      for (int r = 0, rank = int(rng.below(5)); r < rank; ++r) {
        const int64_t d = int64_t(rng.below(rng.chance(0.1) ? 1 : 7));
        shape.items.push_back(JNode::integer(d));
        numel *= uint64_t(d);
      }
    } else if (mode < 8) {
      g.what += " huge-dim";
      for (int r = 0, rank = int(1 + rng.below(4)); r < rank; ++r) {
        const int64_t d = rng.chance(0.5) ? edge_int(rng) : int64_t(rng.below(5));
        shape.items.push_back(d < 0 && rng.chance(0.5) ? JNode::uinteger(uint64_t(d)) : JNode::integer(d));
        numel *= uint64_t(d < 0 ? 0 : d);
        sane = sane && d >= 0;
      }
    } else if (mode < 9) {
      g.what += " odd-shape-elements";
      for (int r = 0, rank = int(1 + rng.below(3)); r < rank; ++r) shape.items.push_back(random_scalar(rng));
      sane = false;
    } else {
      g.what += " non-array-shape";
      shape = random_json(rng, 2);
      sane = false;
    }
    const unsigned __int128 nbytes128 = numel * (elem ? elem : 1);
    const uint64_t nbytes = nbytes128 > (uint64_t(1) << 62) ? (uint64_t(1) << 62) : uint64_t(nbytes128);
    // data_offsets
    JNode offsets = JNode::array();
    const uint64_t omode = defect(0.4) ? 12 + rng.below(8) : 0;
    uint64_t begin = cursor, end = cursor + nbytes;
    if (omode < 12) {
      if (nbytes > (1u << 20)) big_data = true;
      else cursor = end;
    } else if (omode < 14) {
      g.what += " overlap";
      begin = cursor ? rng.below(cursor) : 0;
      end = begin + nbytes;
    } else if (omode < 16) {
      g.what += " out-of-range";
      begin = rng.chance(0.5) ? cursor + 1 + rng.below(64) : uint64_t(edge_int(rng));
      end = rng.chance(0.5) ? begin + nbytes : UINT64_MAX - rng.below(3);
    } else if (omode < 17) {
      g.what += " begin>end";
      begin = cursor + nbytes + 1;
      end = cursor;
    }
    if (omode < 17) {
      offsets.items = {JNode::uinteger(begin), JNode::uinteger(end)};
    } else {
      g.what += " odd-offsets";
      for (int r = 0, c = int(rng.below(4)); r < c; ++r) offsets.items.push_back(random_scalar(rng));
      if (rng.chance(0.3)) offsets = random_json(rng, 2);
    }
    (void)sane;
    // the entry
    JNode entry = JNode::object();
    std::vector<std::pair<std::string, JNode>> fields = {{"dtype", dtype}, {"shape", shape}, {"data_offsets", offsets}};
    if (rng.chance(0.2)) std::swap(fields[rng.below(3)], fields[rng.below(3)]);
    if (defect(0.07)) {
      g.what += " missing-field";
      fields.erase(fields.begin() + long(rng.below(3)));
    }
    for (auto& f : fields) entry.add(f.first, f.second);
    if (defect(0.05)) {
      g.what += " duplicate-field";
      entry.members.push_back(entry.members[rng.below(entry.members.size())]);
    }
    if (defect(0.07)) {
      g.what += " extra-field";
      entry.add(random_name(rng), rng.chance(0.2) ? deep_nesting(rng) : random_json(rng, 3));
    }
    if (defect(0.04)) {
      g.what += " non-object-entry";
      entry = rng.chance(0.3) ? deep_nesting(rng) : random_json(rng, 2);
    }
    root.add(name, entry);
  }
  if (rng.chance(0.5)) {
    JNode meta = k < 1 && rng.chance(0.8) ? JNode::object().add("k", JNode::str("v")) : metadata_variant(rng, g.what);
    if (rng.chance(0.5) || root.members.empty())
      root.members.insert(root.members.begin(), {"__metadata__", meta});
    else
      root.add("__metadata__", meta);
    if (defect(0.05)) {
      g.what += " duplicate-__metadata__";
      root.add("__metadata__", JNode::object());
    }
  }
  if (!root.members.empty() && defect(0.04)) {
    g.what += " duplicate-tensor";
    root.members.push_back(root.members[rng.below(root.members.size())]);
  }
  if (defect(0.03)) {
    g.what += " root-not-object";
    root = rng.chance(0.5) ? deep_nesting(rng) : random_json(rng, 2);
  }
  std::string header = root.dump();
  if (rng.chance(0.3)) header.append(std::size_t(rng.below(9)), ' ');
  if (defect(0.03)) {
    g.what += " trailing-garbage";
    header += rng.chance(0.5) ? "}" : "x";
  }
  uint64_t header_len = header.size();
  if (defect(0.05)) {
    g.what += " bad-header-length";
    header_len = rng.chance(0.5) ? header_len + rng.below(16) - 8 : uint64_t(edge_int(rng));
  }
  uint64_t data_len = cursor;
  if (defect(0.15)) {
    g.what += " data-size-off";
    data_len = rng.chance(0.5) ? data_len + rng.below(64) : rng.below(data_len + 1);
  }
  if (big_data) g.what += " big-tensor-not-backed";
  g.bytes = safetensors_file(header_len, header);
  const std::size_t data_start = g.bytes.size();
  g.bytes.resize(data_start + data_len);
  for (std::size_t i = data_start; i < g.bytes.size(); ++i) g.bytes[i] = uint8_t(rng.next());
  return g;
}

TEST(SafetensorsHeaderFuzz, GeneratedHeaders) {
  aqtest::TempDir dir;
  const auto path = dir / "gen.safetensors";
  FuzzLoop loop("safetensors-generated", 4000);
  loop.run([&](uint64_t, Rng& rng) {
    Generated g = generate(rng);
    if (rng.chance(0.15)) {
      g.what += " +byte-mutation";
      g.bytes = mutate_bytes(std::move(g.bytes), rng);
    }
    spit(path, g.bytes);
    loop.set_input({path}, g.what);
    open_and_check(loop, path);
  });
}

// Valid files to start the byte mutations from.
std::vector<std::vector<uint8_t>> seed_files(const aqtest::TempDir& dir) {
  using namespace aqtest;
  std::vector<std::vector<uint8_t>> out;
  write_safetensors(dir / "seed0.safetensors",
                    {{"a", "F32", {3, 4}, f32_bytes(gaussian(12, 1))},
                     {"b", "F16", {5}, f16_bytes(gaussian(5, 2))},
                     {"c", "BF16", {2, 2, 2}, bf16_bytes(gaussian(8, 3))},
                     {"d", "I64", {2}, std::vector<uint8_t>(16, 1)},
                     {"e", "U8", {0}, {}}},
                    {{"k", "v"}});
  out.push_back(read_file(dir / "seed0.safetensors"));
  write_safetensors(dir / "seed1.safetensors",
                    {{"w.aq_codes", "U8", {4, 3}, std::vector<uint8_t>(12, 0x5a)},
                     {"w.aq_scales", "F16", {4, 1}, f16_bytes({0.1f, 0.2f, 0.3f, 0.4f})},
                     {"s", "F32", {}, f32_bytes({1.0f})},
                     {"z", "F16", {2, 0, 3}, {}}},
                    {{"format", "arrowquant"},
                     {"arrowquant", "{\"format_version\":1,\"tensors\":{\"w\":{\"dtype\":\"F16\",\"shape\":[4,6],"
                                    "\"bits\":4,\"group_size\":6,\"symmetric\":true,\"method\":\"minmax\",\"rows\":4,"
                                    "\"cols\":6}}}"}});
  out.push_back(read_file(dir / "seed1.safetensors"));
  return out;
}

TEST(SafetensorsHeaderFuzz, ByteMutationsOfValidFiles) {
  aqtest::TempDir dir;
  const auto seeds = seed_files(dir);
  const auto path = dir / "fuzz.safetensors";
  FuzzLoop loop("safetensors-mutated", 4000);
  loop.run([&](uint64_t, Rng& rng) {
    auto bytes = rng.pick(seeds);
    const int n = 1 + int(rng.below(3));
    for (int m = 0; m < n && bytes.size() > 9; ++m) bytes = mutate_bytes(std::move(bytes), rng);
    spit(path, bytes);
    loop.set_input({path}, std::to_string(n) + " byte mutations");
    open_and_check(loop, path);
  });
}

// Reproducers of past findings (tests/fuzz/corpus/safetensors).
TEST(SafetensorsHeaderFuzz, CorpusReplay) {
  const auto files = corpus_entries("safetensors");
  auto loop = FuzzLoop::replay("safetensors-corpus", files.size());
  loop->run([&](uint64_t i, Rng&) {
    loop->set_input({files[i]}, files[i].filename().string());
    open_and_check(*loop, files[i]);
  });
}

}  // namespace
