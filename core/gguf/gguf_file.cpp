#include "gguf/gguf_file.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>
#include <set>

#include "tensor/tensor_info.h"
#include "util/display_text.h"

namespace aq::gguf {
namespace {

constexpr char kMagic[4] = {'G', 'G', 'U', 'F'};
constexpr uint64_t kMaxKeyBytes = 65535;
constexpr uint64_t kMaxStringBytes = 16u << 20;  // a metadata string (a tokenizer's merges list stays far below)

std::size_t scalar_size(ValueType t) {
  switch (t) {
    case ValueType::U8: case ValueType::I8: case ValueType::BOOL: return 1;
    case ValueType::U16: case ValueType::I16: return 2;
    case ValueType::U32: case ValueType::I32: case ValueType::F32: return 4;
    case ValueType::U64: case ValueType::I64: case ValueType::F64: return 8;
    default: return 0;  // STRING, ARRAY: variable
  }
}

// ---- writing ----

void put(std::string& out, const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }
template <class T>
void put_le(std::string& out, T v) {
  static_assert(std::endian::native == std::endian::little, "GGUF is written little-endian");
  put(out, &v, sizeof v);
}
void put_string(std::string& out, const std::string& s) {
  put_le<uint64_t>(out, s.size());
  put(out, s.data(), s.size());
}

void put_scalar(std::string& out, const Value& v) {
  switch (v.type) {
    case ValueType::U8: case ValueType::BOOL: put_le<uint8_t>(out, uint8_t(std::get<uint64_t>(v.scalar))); break;
    case ValueType::I8: put_le<int8_t>(out, int8_t(std::get<int64_t>(v.scalar))); break;
    case ValueType::U16: put_le<uint16_t>(out, uint16_t(std::get<uint64_t>(v.scalar))); break;
    case ValueType::I16: put_le<int16_t>(out, int16_t(std::get<int64_t>(v.scalar))); break;
    case ValueType::U32: put_le<uint32_t>(out, uint32_t(std::get<uint64_t>(v.scalar))); break;
    case ValueType::I32: put_le<int32_t>(out, int32_t(std::get<int64_t>(v.scalar))); break;
    case ValueType::F32: put_le<float>(out, float(std::get<double>(v.scalar))); break;
    case ValueType::U64: put_le<uint64_t>(out, std::get<uint64_t>(v.scalar)); break;
    case ValueType::I64: put_le<int64_t>(out, std::get<int64_t>(v.scalar)); break;
    case ValueType::F64: put_le<double>(out, std::get<double>(v.scalar)); break;
    case ValueType::STRING: put_string(out, std::get<std::string>(v.scalar)); break;
    case ValueType::ARRAY:
      put_le<uint32_t>(out, uint32_t(v.element));
      put_le<uint64_t>(out, v.elements.size());
      for (const Value& e : v.elements) put_scalar(out, e);
      break;
  }
}

// ---- reading ----

struct Cursor {
  const std::byte* p;
  uint64_t size;
  uint64_t at = 0;
  const std::string& file;

  Error bad(const std::string& tensor, const std::string& why) const {
    return make_error(ErrorKind::BadInput, file, tensor, why + " (at byte " + std::to_string(at) + ")");
  }
  bool has(uint64_t n) const { return n <= size - at; }
  template <class T>
  Result<T> get(const char* what) {
    if (!has(sizeof(T))) return bad("", std::string("the header ends inside ") + what);
    T v;
    std::memcpy(&v, p + at, sizeof v);
    at += sizeof v;
    return v;
  }
  Result<std::string> string(const char* what, uint64_t limit) {
    auto n = get<uint64_t>(what);
    if (!n) return n.error();
    if (*n > limit) return bad("", std::string(what) + " of " + std::to_string(*n) + " bytes (the limit is " + std::to_string(limit) + ")");
    if (!has(*n)) return bad("", std::string(what) + " of " + std::to_string(*n) + " bytes runs past the end of the file");
    std::string s(reinterpret_cast<const char*>(p + at), std::size_t(*n));
    at += *n;
    return s;
  }
};

Result<Value> read_value(Cursor& c, ValueType type, const std::string& key, bool in_array) {
  Value v;
  v.type = type;
  auto scalar = [&]<class T>(T) -> Status {
    auto x = c.get<T>(("the value of '" + key + "'").c_str());
    if (!x) return x.error();
    if constexpr (std::is_floating_point_v<T>) v.scalar = double(*x);
    else if constexpr (std::is_signed_v<T>) v.scalar = int64_t(*x);
    else v.scalar = uint64_t(*x);
    return {};
  };
  Status s;
  switch (type) {
    case ValueType::U8: case ValueType::BOOL: s = scalar(uint8_t{}); break;
    case ValueType::I8: s = scalar(int8_t{}); break;
    case ValueType::U16: s = scalar(uint16_t{}); break;
    case ValueType::I16: s = scalar(int16_t{}); break;
    case ValueType::U32: s = scalar(uint32_t{}); break;
    case ValueType::I32: s = scalar(int32_t{}); break;
    case ValueType::F32: s = scalar(float{}); break;
    case ValueType::U64: s = scalar(uint64_t{}); break;
    case ValueType::I64: s = scalar(int64_t{}); break;
    case ValueType::F64: s = scalar(double{}); break;
    case ValueType::STRING: {
      auto str = c.string(("the string value of '" + key + "'").c_str(), kMaxStringBytes);
      if (!str) return str.error();
      v.scalar = std::move(*str);
      break;
    }
    case ValueType::ARRAY: {
      if (in_array) return c.bad("", "metadata key '" + display_text(key) + "': arrays of arrays are not supported");
      auto element = c.get<uint32_t>("an array's element type");
      auto count = element ? c.get<uint64_t>("an array's length") : Result<uint64_t>(element.error());
      if (!count) return count.error();
      v.element = ValueType(*element);
      if (*element > uint32_t(ValueType::F64))
        return c.bad("", "metadata key '" + display_text(key) + "': unknown array element type " + std::to_string(*element));
      // Each element takes at least its fixed size (8 bytes for a string's length).
      const uint64_t least = v.element == ValueType::STRING ? 8 : std::max<std::size_t>(1, scalar_size(v.element));
      if (v.element != ValueType::ARRAY && *count > (c.size - c.at) / least)
        return c.bad("", "metadata key '" + display_text(key) + "': an array of " + std::to_string(*count) +
                             " elements cannot fit in the rest of the file");
      v.elements.reserve(std::size_t(std::min<uint64_t>(*count, 1u << 20)));
      for (uint64_t i = 0; i < *count; ++i) {
        auto e = read_value(c, v.element, key, true);
        if (!e) return e.error();
        v.elements.push_back(std::move(*e));
      }
      break;
    }
    default:
      return c.bad("", "metadata key '" + display_text(key) + "': unknown value type " + std::to_string(uint32_t(type)));
  }
  if (!s) return s.error();
  return v;
}

}  // namespace

Value Value::i32_array(const std::vector<int64_t>& v) {
  Value a{ValueType::ARRAY, uint64_t(0), ValueType::I32, {}};
  for (int64_t x : v) a.elements.push_back({ValueType::I32, x});
  return a;
}

std::string Value::text() const {
  switch (type) {
    case ValueType::STRING: return std::get<std::string>(scalar);
    case ValueType::ARRAY: {
      std::string s = "[";
      for (std::size_t i = 0; i < elements.size() && i < 16; ++i) s += (i ? ", " : "") + elements[i].text();
      return s + (elements.size() > 16 ? ", ... (" + std::to_string(elements.size()) + " elements)]" : "]");
    }
    case ValueType::F32: case ValueType::F64: return std::to_string(std::get<double>(scalar));
    case ValueType::I8: case ValueType::I16: case ValueType::I32: case ValueType::I64:
      return std::to_string(std::get<int64_t>(scalar));
    default: return std::to_string(std::get<uint64_t>(scalar));
  }
}

std::optional<uint64_t> tensor_bytes(GgmlType type, const std::vector<int64_t>& shape) {
  const TypeTraits* t = find_type(type);
  if (!t) return std::nullopt;
  const int64_t innermost = shape.empty() ? 1 : shape.back();
  if (innermost % t->block_size != 0) return std::nullopt;
  uint64_t blocks = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const uint64_t d = uint64_t(i + 1 == shape.size() ? shape[i] / t->block_size : shape[i]);
    if (shape[i] < 0 || __builtin_mul_overflow(blocks, d, &blocks)) return std::nullopt;
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(blocks, uint64_t(t->type_size), &bytes)) return std::nullopt;
  return bytes;
}

std::string write_header(Header& h) {
  std::string out;
  put(out, kMagic, 4);
  put_le<uint32_t>(out, kVersion);
  put_le<uint64_t>(out, h.tensors.size());
  put_le<uint64_t>(out, h.metadata.size());
  for (const auto& [key, value] : h.metadata) {
    put_string(out, key);
    put_le<uint32_t>(out, uint32_t(value.type));
    put_scalar(out, value);
  }
  uint64_t offset = 0;
  for (TensorEntry& t : h.tensors) {
    offset = (offset + h.alignment - 1) / h.alignment * h.alignment;
    t.offset = offset;
    offset += t.bytes;
    put_string(out, t.name);
    put_le<uint32_t>(out, uint32_t(std::max<std::size_t>(1, t.shape.size())));
    if (t.shape.empty()) put_le<uint64_t>(out, 1);  // a scalar is one element
    for (auto d = t.shape.rbegin(); d != t.shape.rend(); ++d) put_le<uint64_t>(out, uint64_t(*d));
    put_le<uint32_t>(out, uint32_t(t.type));
    put_le<uint64_t>(out, t.offset);
  }
  out.resize((out.size() + h.alignment - 1) / h.alignment * h.alignment, '\0');
  h.data_begin = out.size();
  return out;
}

Result<Header> parse_header(const std::byte* bytes, uint64_t size, const std::string& file) {
  Cursor c{bytes, size, 0, file};
  if (size < 24 || std::memcmp(bytes, kMagic, 4) != 0)
    return make_error(ErrorKind::BadInput, file, "", "not a GGUF file (no 'GGUF' magic in its first bytes)");
  c.at = 4;
  auto version = c.get<uint32_t>("the version");
  if (*version != 2 && *version != 3)
    return make_error(ErrorKind::BadInput, file, "", "GGUF version " + std::to_string(*version) + " (versions 2 and 3 are read)");
  auto n_tensors = c.get<uint64_t>("the tensor count");
  auto n_kv = c.get<uint64_t>("the metadata count");
  // Each key-value takes at least 13 bytes and each tensor info at least 33: counts beyond what
  // the file can hold are corrupt, and must not size any allocation.
  if (*n_kv > (size - c.at) / 13)
    return c.bad("", "the header claims " + std::to_string(*n_kv) + " metadata keys, more than the file can hold");
  if (*n_tensors > (size - c.at) / 33)
    return c.bad("", "the header claims " + std::to_string(*n_tensors) + " tensors, more than the file can hold");

  Header h;
  std::set<std::string> keys;
  for (uint64_t i = 0; i < *n_kv; ++i) {
    auto key = c.string("a metadata key", kMaxKeyBytes);
    if (!key) return key.error();
    if (!keys.insert(*key).second) return c.bad("", "metadata key '" + display_text(*key) + "' appears twice");
    auto type = c.get<uint32_t>("a metadata value type");
    if (!type) return type.error();
    auto value = read_value(c, ValueType(*type), *key, false);
    if (!value) return value.error();
    if (*key == "general.alignment") {
      if (value->type != ValueType::U32 || std::get<uint64_t>(value->scalar) == 0 ||
          std::get<uint64_t>(value->scalar) > 65536 || (std::get<uint64_t>(value->scalar) & (std::get<uint64_t>(value->scalar) - 1)))
        return c.bad("", "general.alignment must be a power of two up to 65536 stored as UINT32");
      h.alignment = uint32_t(std::get<uint64_t>(value->scalar));
    }
    h.metadata.emplace_back(std::move(*key), std::move(*value));
  }

  std::set<std::string> names;
  for (uint64_t i = 0; i < *n_tensors; ++i) {
    auto name = c.string("a tensor name", kMaxTensorNameBytes);
    if (!name) return name.error();
    if (name->empty()) return c.bad("", "a tensor has an empty name");
    if (!names.insert(*name).second) return c.bad(*name, "duplicate tensor name");
    auto n_dims = c.get<uint32_t>("a tensor's dimension count");
    if (!n_dims) return n_dims.error();
    if (*n_dims < 1 || *n_dims > uint32_t(kMaxDims))
      return c.bad(*name, std::to_string(*n_dims) + " dimensions (GGUF tensors have 1 to 4)");
    TensorEntry t;
    t.name = std::move(*name);
    std::vector<int64_t> ne;
    for (uint32_t d = 0; d < *n_dims; ++d) {
      auto n = c.get<uint64_t>("a tensor's dimensions");
      if (!n) return n.error();
      if (*n == 0 || *n > uint64_t(INT64_MAX))
        return c.bad(t.name, "dimension " + std::to_string(d) + " is " + std::to_string(*n));
      ne.push_back(int64_t(*n));
    }
    t.shape.assign(ne.rbegin(), ne.rend());
    auto type = c.get<uint32_t>("a tensor's type");
    auto offset = type ? c.get<uint64_t>("a tensor's offset") : Result<uint64_t>(type.error());
    if (!offset) return offset.error();
    t.type = GgmlType(*type);
    const TypeTraits* traits = find_type(t.type);
    if (!traits) return c.bad(t.name, "ggml type " + std::to_string(*type) + " is not one ArrowQuant reads");
    if (ne[0] % traits->block_size != 0)
      return c.bad(t.name, "its innermost dimension (" + std::to_string(ne[0]) + ") is not a multiple of " +
                               std::string(traits->name) + "'s " + std::to_string(traits->block_size) + "-weight block");
    const auto bytes = tensor_bytes(t.type, t.shape);
    if (!bytes) return c.bad(t.name, "its size overflows 64 bits");
    t.bytes = *bytes;
    t.offset = *offset;
    h.tensors.push_back(std::move(t));
  }
  h.data_begin = (c.at + h.alignment - 1) / h.alignment * h.alignment;
  if (h.data_begin > size) return c.bad("", "the data section would start past the end of the file");
  const uint64_t data_len = size - h.data_begin;

  std::vector<const TensorEntry*> by_offset;
  for (const auto& t : h.tensors) {
    if (t.offset % h.alignment != 0)
      return make_error(ErrorKind::BadInput, file, t.name,
                        "offset " + std::to_string(t.offset) + " is not a multiple of the alignment (" + std::to_string(h.alignment) + ")");
    if (t.offset > data_len || t.bytes > data_len - t.offset)
      return make_error(ErrorKind::BadInput, file, t.name,
                        "its " + std::to_string(t.bytes) + " bytes at offset " + std::to_string(t.offset) +
                            " run past the end of the file (" + std::to_string(data_len) + " bytes of data)");
    by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
  for (std::size_t i = 1; i < by_offset.size(); ++i)
    if (by_offset[i]->offset < by_offset[i - 1]->offset + by_offset[i - 1]->bytes)
      return make_error(ErrorKind::BadInput, file, by_offset[i]->name, "its data overlaps tensor '" + by_offset[i - 1]->name + "'");
  return h;
}

}  // namespace aq::gguf
