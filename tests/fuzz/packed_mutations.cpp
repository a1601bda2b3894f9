#include "packed_mutations.h"

#include "io/packed_format.h"
#include "quant/scheme.h"

namespace aqfuzz {
namespace {

ojson value_zoo(Rng& rng) {
  switch (rng.below(14)) {
    case 0: return nullptr;
    case 1: return rng.chance(0.5);
    case 2: case 3: case 4: return edge_int(rng);
    case 5: return uint64_t(UINT64_MAX - rng.below(3));
    case 6: { static const double k[] = {1.5, 4.0, -1.0, 1e300, 0.0, 2.5e18, 9.3e18}; return rng.pick(k); }
    case 7: return std::to_string(rng.below(9));
    case 8: return "";
    case 9: return ojson::array({1, 2});
    case 10: return ojson::object();
    case 11: return ojson::array();
    case 12: { static const char* const k[] = {"F16", "F32", "BF16", "U8", "I64", "F4", "minmax", "search", "x"}; return rng.pick(k); }
    default: return int64_t(rng.below(200)) - 20;
  }
}

const char* const kFields[] = {"dtype", "shape", "bits", "group_size", "symmetric", "method", "rows", "cols"};

PTensor* find_tensor(PFile& f, const std::string& name) {
  for (auto& t : f.tensors)
    if (t.name == name) return &t;
  return nullptr;
}

// A quantized tensor's name in the spec, or "" if there is none to mutate.
std::string pick_quantized(PFile& f, Rng& rng) {
  if (f.spec_is_text || !f.spec.is_object() || !f.spec.contains("tensors") || !f.spec["tensors"].is_object() ||
      f.spec["tensors"].empty())
    return {};
  auto it = f.spec["tensors"].begin();
  std::advance(it, long(rng.below(f.spec["tensors"].size())));
  return it.key();
}

// New rows/cols/group/bits in the spec, and packed tensors resized to exactly what the reader will
// compute from them (with whatever wrap-around its arithmetic has), so the size checks pass and
// the values reach decode.
void layout_follow(PFile& f, Rng& rng, const std::string& q, std::string& what) {
  ojson& e = f.spec["tensors"][q];
  if (!e.is_object()) return;
  static const int kBits[] = {2, 3, 4, 8};
  const int bits = rng.pick(kBits);
  int64_t rows = 0, cols = 0;
  switch (rng.below(5)) {
    case 0:  // cols x bits wraps around 2^64
      rows = int64_t(rng.below(3));
      cols = int64_t((~uint64_t(0) / uint64_t(bits)) + 1 + rng.below(4));
      if (cols < 0) cols = INT64_MAX - int64_t(rng.below(4));
      break;
    case 1:  // cols x bits overflows int64 but not uint64
      rows = 1 + int64_t(rng.below(2));
      cols = INT64_MAX / bits + 1 + int64_t(rng.below(8));
      break;
    case 2:  // rows so large that rows x row_bytes wraps
      cols = 8 * int64_t(1 + rng.below(4));
      rows = int64_t(1) << (58 + rng.below(5));
      break;
    case 3:  // huge rows with empty rows
      cols = int64_t(1 + rng.below(16));
      rows = INT64_MAX - int64_t(rng.below(2));
      break;
    default:  // small and plausible, but not the original
      rows = int64_t(rng.below(40));
      cols = int64_t(1 + rng.below(100));
      break;
  }
  const int64_t group = rng.chance(0.5) ? cols : std::max<int64_t>(1, std::min<int64_t>(cols, int64_t(8 << rng.below(4))));
  // The sizes a reader computes without overflow checks (unsigned, wrapping): aq::packed_layout
  // itself must not be called with such values (its int64 arithmetic would be undefined).
  const bool symmetric = e.contains("symmetric") && e["symmetric"].is_boolean() && e["symmetric"].get<bool>();
  struct { uint64_t codes_bytes, scales_bytes, zeros_bytes; } l;
  const uint64_t ur = uint64_t(rows), uc = uint64_t(cols), ug = uint64_t(group);
  const uint64_t groups = (uc + ug - 1) / ug, row_bytes = (uc * uint64_t(bits) + 7) / 8;
  l.codes_bytes = ur * row_bytes;
  l.scales_bytes = ur * groups * 2;
  l.zeros_bytes = symmetric ? 0 : l.scales_bytes;
  e["bits"] = bits;
  e["rows"] = rows;
  e["cols"] = cols;
  e["group_size"] = group;
  if (rng.chance(0.5)) e["shape"] = {rows, cols};
  what += " layout-follow(rows=" + std::to_string(rows) + ",cols=" + std::to_string(cols) + ",bits=" +
          std::to_string(bits) + ",group=" + std::to_string(group) + ",codes_bytes=" + std::to_string(l.codes_bytes) +
          ",scales_bytes=" + std::to_string(l.scales_bytes) + ")";
  auto resize = [&](const std::string& name, uint64_t nbytes, uint64_t elem, const char* dtype) {
    PTensor* t = find_tensor(f, name);
    if (!t) return;
    if (nbytes > (4u << 20)) return;  // cannot be backed by a small file: leave it to the size check
    const uint64_t count = nbytes / elem;
    t->dtype = dtype;
    if (rows == 0) t->shape = {0, int64_t(rng.below(3))};
    else if (count % uint64_t(rows) == 0) t->shape = {rows, int64_t(count / uint64_t(rows))};
    else t->shape = {int64_t(count)};
    t->bytes.assign(nbytes, 0);
    for (auto& b : t->bytes) b = uint8_t(rng.next());
    if (elem == 2)  // finite fp16 scales and small zeros
      for (std::size_t k = 0; k + 1 < t->bytes.size(); k += 2) {
        t->bytes[k] = 0;
        t->bytes[k + 1] = uint8_t(0x30 + rng.below(8));
      }
  };
  resize(q + ".aq_codes", l.codes_bytes, 1, "U8");
  resize(q + ".aq_scales", l.scales_bytes, 2, "F16");
  if (!symmetric) resize(q + ".aq_zeros", l.zeros_bytes, 2, "F16");
}

}  // namespace

bool has_suffix(const std::string& s, std::string_view suffix) { return s.ends_with(suffix); }

void mutate_spec(PFile& f, Rng& rng, std::string& what) {
  const std::string q = pick_quantized(f, rng);
  switch (rng.below(16)) {
    case 0: case 1: case 2: {  // a field gets another value or type
      if (q.empty()) break;
      const std::string field = rng.pick(kFields);
      ojson v = value_zoo(rng);
      what += " spec[" + q + "]." + field + "=" + dump(v);
      f.spec["tensors"][q][field] = v;
      break;
    }
    case 3: {  // a field removed
      if (q.empty() || !f.spec["tensors"][q].is_object()) break;
      const std::string field = rng.pick(kFields);
      what += " spec[" + q + "]-" + field;
      f.spec["tensors"][q].erase(field);
      break;
    }
    case 4: {  // shape that disagrees with rows x cols (or agrees in another way)
      if (q.empty() || !f.spec["tensors"][q].is_object()) break;
      ojson& e = f.spec["tensors"][q];
      const int64_t r = e.value("rows", int64_t(1)), c = e.value("cols", int64_t(1));
      // Wrapping arithmetic: rows and cols may already be huge from an earlier mutation.
      auto mul = [](int64_t a, int64_t b) { return int64_t(uint64_t(a) * uint64_t(b)); };
      auto inc = [](int64_t a) { return int64_t(uint64_t(a) + 1); };
      auto neg = [](int64_t a) { return int64_t(0 - uint64_t(a)); };
      std::vector<ojson> shapes = {ojson::array({mul(r, c)}), ojson::array({r, inc(c)}), ojson::array({inc(r), c}),
                                   ojson::array({c, r}), ojson::array(), ojson::array({r, 0}),
                                   ojson::array({r, c, 1}), ojson::array({r, c, 2}), ojson::array({0, c}),
                                   ojson::array({r, neg(c)}), ojson::array({r, INT64_MAX}), ojson::array({1, r, c})};
      if (c % 2 == 0) shapes.push_back(ojson::array({r, c / 2, 2}));
      e["shape"] = rng.pick(shapes);
      what += " spec[" + q + "].shape=" + dump(e["shape"]);
      break;
    }
    case 5: case 6: case 7:
      if (!q.empty()) layout_follow(f, rng, q, what);
      break;
    case 8: {  // format_version
      static const char* const kRaw[] = {"\"1\"", "1.0", "2", "0", "-1", "null", "[]", "{}", "true", "\"one\"",
                                         "1e400", "18446744073709551615", "1.5", "[1]"};
      if (f.spec.is_object() && rng.chance(0.15)) {
        what += " format_version-missing";
        f.spec.erase("format_version");
      } else if (f.spec.is_object()) {
        const std::string raw = rng.pick(kRaw);
        what += " format_version=" + raw;
        f.spec["format_version"] = 12345;
        f.spec_text = dump(f.spec);
        const auto p = f.spec_text.find("12345");
        f.spec_text.replace(p, 5, raw);
        f.spec_is_text = true;
      }
      break;
    }
    case 9: {  // 'tensors' itself
      if (!f.spec.is_object()) break;
      const int k = int(rng.below(5));
      what += " tensors:" + std::to_string(k);
      if (k == 0) f.spec.erase("tensors");
      else if (k == 1) f.spec["tensors"] = ojson::array({1});
      else if (k == 2) f.spec["tensors"] = nullptr;
      else if (k == 3) f.spec["tensors"] = ojson::object();
      else f.spec["tensors"] = "w";
      break;
    }
    case 10: {  // an extra entry: a copy under a new name
      if (q.empty()) break;
      static const char* const kNames[] = {"ghost", "norm.weight", "steps", "conv.weight.aq_codes", "",
                                           "blocks.0.attn.qkv.weight.aq_scales", "x.aq_codes"};
      const std::string name = rng.chance(0.8) ? rng.pick(kNames) : random_name(rng);
      what += " spec+entry(" + name + ")";
      f.spec["tensors"][name] = f.spec["tensors"][q];
      break;
    }
    case 11:  // an entry removed
      if (q.empty()) break;
      what += " spec-entry(" + q + ")";
      f.spec["tensors"].erase(q);
      break;
    case 12: {  // an entry renamed
      if (q.empty()) break;
      const std::string name = rng.chance(0.5) ? q + ".aq_codes" : rng.chance(0.5) ? "norm.weight" : q + "x";
      what += " spec-rename(" + q + "->" + name + ")";
      ojson v = f.spec["tensors"][q];
      f.spec["tensors"].erase(q);
      f.spec["tensors"][name] = v;
      break;
    }
    case 13: {  // the spec text is not the document it should be
      const int k = int(rng.below(5));
      what += " spec-text:" + std::to_string(k);
      f.spec_is_text = true;
      const std::string base = dump(f.spec);
      if (k == 0) f.spec_text = base.substr(0, rng.below(base.size()));
      else if (k == 1) f.spec_text = deep_nesting(rng).dump();
      else if (k == 2) f.spec_text = random_json(rng, 3).dump();
      else if (k == 3) f.spec_text = base + base;  // trailing content
      else {  // duplicate key: nlohmann keeps the last one
        f.spec_text = base;
        const auto p = f.spec_text.find("\"bits\":");
        if (p != std::string::npos) f.spec_text.insert(p, "\"bits\":99,");
      }
      break;
    }
    case 14: {  // the whole entry replaced
      if (q.empty()) break;
      ojson v = rng.chance(0.5) ? value_zoo(rng) : ojson::object();
      what += " spec[" + q + "]=" + dump(v);
      f.spec["tensors"][q] = v;
      break;
    }
    default: {  // the "format" marker
      static const char* const kFormats[] = {"ArrowQuant", "", "arrowquant ", "gguf"};
      if (rng.chance(0.5)) {
        what += " format-missing";
        f.meta.erase("format");
      } else {
        f.meta["format"] = rng.pick(kFormats);
        what += " format=" + f.meta["format"];
      }
      break;
    }
  }
}

void mutate_tensors(PFile& f, Rng& rng, std::string& what) {
  if (f.tensors.empty()) return;
  PTensor& t = f.tensors[rng.below(f.tensors.size())];
  switch (rng.below(9)) {
    case 0:
      what += " remove(" + t.name + ")";
      f.tensors.erase(f.tensors.begin() + (&t - f.tensors.data()));
      break;
    case 1: {  // reshape, same bytes
      if (t.shape.size() != 2 || t.shape[0] > (1 << 20) || t.shape[1] > (1 << 20)) break;
      const int64_t a = t.shape[0], b = t.shape[1];
      std::vector<std::vector<int64_t>> shapes = {{b, a}, {a * b}, {a, b, 1}, {1, a, b}};
      t.shape = rng.pick(shapes);
      what += " reshape(" + t.name + ")";
      break;
    }
    case 2: {  // another dtype of the same size
      static const char* const k1[] = {"I8", "BOOL", "F8_E4M3", "U8"};
      static const char* const k2[] = {"BF16", "I16", "U16", "F16"};
      if (t.dtype == "U8") t.dtype = rng.pick(k1);
      else if (t.dtype == "F16") t.dtype = rng.pick(k2);
      else break;
      what += " dtype(" + t.name + ")=" + t.dtype;
      break;
    }
    case 3: {  // another dtype and size: F16 scales as F32 (half as many)
      if (t.shape.size() != 2 || t.shape[1] % 2 || (t.dtype != "F16" && t.dtype != "U8")) break;
      t.dtype = t.dtype == "F16" ? "F32" : "F16";
      t.shape[1] /= 2;
      what += " redtype(" + t.name + ")=" + t.dtype;
      break;
    }
    case 4: {  // contents: random, NaN/Inf scales, zeros out of range, codes all ones
      const int k = int(rng.below(4));
      what += " bytes(" + t.name + "):" + std::to_string(k);
      for (std::size_t i = 0; i < t.bytes.size(); ++i) {
        if (k == 0) t.bytes[i] = uint8_t(rng.next());
        else if (k == 1) t.bytes[i] = (i % 2) ? uint8_t(rng.chance(0.5) ? 0x7e : 0x7c) : 0;  // NaN, Inf
        else if (k == 2) t.bytes[i] = (i % 2) ? 0x63 : 0xd0;                               // 1000.0
        else t.bytes[i] = 0xff;
      }
      break;
    }
    case 5: {  // fewer or more rows, bytes to match
      if (t.shape.empty() || t.shape[0] == 0 || t.shape[0] > (1 << 20)) break;
      const int64_t row = int64_t(t.bytes.size()) / t.shape[0];
      const int64_t rows = rng.chance(0.5) ? t.shape[0] - 1 : t.shape[0] + 1;
      t.shape[0] = rows;
      t.bytes.resize(std::size_t(rows * row), 0x11);
      what += " rows(" + t.name + ")=" + std::to_string(rows);
      break;
    }
    case 6: {  // renamed
      std::string name;
      if (has_suffix(t.name, aq::packed::kCodesSuffix)) name = t.name.substr(0, t.name.size() - 9);
      else if (rng.chance(0.5)) name = t.name + ".aq_codes";
      else name = rng.chance(0.5) ? t.name + ".aq_scales" : random_name(rng);
      what += " rename(" + t.name + "->" + name + ")";
      t.name = name;
      break;
    }
    case 7: {  // duplicated under another name (or the same: a duplicate key)
      PTensor copy = t;
      copy.name = rng.chance(0.3) ? t.name : (has_suffix(t.name, aq::packed::kCodesSuffix) ? t.name.substr(0, t.name.size() - 9) : t.name + "2");
      what += " duplicate(" + t.name + "->" + copy.name + ")";
      f.tensors.push_back(std::move(copy));
      break;
    }
    default: {  // emptied: zero rows
      if (t.shape.empty()) break;
      t.shape[0] = 0;
      t.bytes.clear();
      what += " empty(" + t.name + ")";
      break;
    }
  }
}

}  // namespace aqfuzz
