#include "io/safetensors_header.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "io/strict_json.h"
#include "util/display_text.h"

namespace aq {
namespace {

using nlohmann::json;

Error bad(const std::string& file, const std::string& tensor, std::string reason) {
  return make_error(ErrorKind::BadInput, file, tensor, std::move(reason));
}

std::string range_string(uint64_t begin, uint64_t end) {
  std::string s = "[";  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "[" + string
  s += std::to_string(begin);
  s += ", ";
  s += std::to_string(end);
  s += "]";
  return s;
}

// A short description of a JSON value (never a dump: the value may be huge or deeply nested).
std::string describe(const json& j) {
  if (j.is_array()) {
    const std::string s = "an array of " + std::to_string(j.size()) +
                          (j.size() == 1 ? " element" : " elements");
    for (const json& v : j) {
      if (v.is_number_integer() && !v.is_number_unsigned()) return s + ", one of them negative";
      if (!v.is_number_unsigned()) return s + ", one of them " + json_type_name(v);
    }
    return s;
  }
  if (j.is_number() || j.is_boolean()) return json_type_name(j) + " (" + j.dump() + ")";
  return json_type_name(j);
}

struct Entry {
  TensorInfo info;
  uint64_t begin = 0, end = 0;  // relative to the data section
};

Result<std::vector<int64_t>> parse_shape(const json& j, const std::string& file,
                                         const std::string& name) {
  if (!j.is_array())
    return bad(file, name, "'shape' must be an array of integers, not " + json_type_name(j));
  std::vector<int64_t> shape;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const json& d = j[i];
    if (d.is_number_unsigned()) {
      const uint64_t v = d.get<uint64_t>();
      if (v > uint64_t(std::numeric_limits<int64_t>::max()))
        return bad(file, name, "shape dimension " + std::to_string(i) + " is " + std::to_string(v) +
                                   ": the element count overflows");
      shape.push_back(int64_t(v));
    } else if (d.is_number_integer()) {  // only negatives land here
      return bad(file, name, "negative dimension " + std::to_string(d.get<int64_t>()) +
                                 " at position " + std::to_string(i) + " of the shape");
    } else {
      return bad(file, name, "shape dimension " + std::to_string(i) + " is " + json_type_name(d) +
                                 ", not an integer");
    }
  }
  return shape;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  TensorInfo t;
  t.shape = shape;
  return t.shape_string();
}

Result<Entry> parse_entry(const std::string& name, const json& j, uint64_t data_len,
                          const std::string& file) {
  if (name.size() > kMaxTensorNameBytes)
    return bad(file, name, "tensor name of " + std::to_string(name.size()) + " bytes (the limit is " +
                               std::to_string(kMaxTensorNameBytes) + ")");
  if (!j.is_object()) return bad(file, name, "the entry is " + json_type_name(j) + ", not an object");
  Entry e;
  e.info.name = name;

  auto dt = j.find("dtype");
  if (dt == j.end()) return bad(file, name, "the entry has no 'dtype'");
  if (!dt->is_string()) return bad(file, name, "'dtype' is " + json_type_name(*dt) + ", not a string");
  const auto& dtype_str = dt->get_ref<const std::string&>();
  auto dtype = dtype_from_name(dtype_str);
  if (!dtype)
    return make_error(ErrorKind::Unsupported, file, name, "unknown dtype '" + display_text(dtype_str, 40) + "'");
  e.info.dtype = *dtype;

  auto sh = j.find("shape");
  if (sh == j.end()) return bad(file, name, "the entry has no 'shape'");
  auto shape = parse_shape(*sh, file, name);
  if (!shape) return shape.error();
  e.info.shape = std::move(*shape);

  auto off = j.find("data_offsets");
  if (off == j.end()) return bad(file, name, "the entry has no 'data_offsets'");
  if (!off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned())
    return bad(file, name, "'data_offsets' must be an array of two non-negative integers, got " +
                               describe(*off));
  e.begin = (*off)[0].get<uint64_t>();
  e.end = (*off)[1].get<uint64_t>();
  if (e.begin > e.end)
    return bad(file, name, "data_offsets " + range_string(e.begin, e.end) + ": begin is after end");
  if (e.end > data_len)
    return bad(file, name, "data_offsets " + range_string(e.begin, e.end) +
                               " run past the end of the data section (" +
                               std::to_string(data_len) + " bytes)");

  // Element count and byte size, refusing to wrap around.
  int64_t numel = 1;
  for (int64_t d : e.info.shape)
    if (__builtin_mul_overflow(numel, d, &numel))
      return bad(file, name, "shape " + shape_text(e.info.shape) + ": the element count overflows");
  const uint64_t elem = dtype_size(e.info.dtype);
  uint64_t nbytes = 0;
  if (__builtin_mul_overflow(uint64_t(numel), elem, &nbytes))
    return bad(file, name, "shape " + shape_text(e.info.shape) + ": the byte size overflows");
  if (nbytes != e.end - e.begin)
    return bad(file, name, "shape " + shape_text(e.info.shape) + " x " + dtype_str + " (" +
                               std::to_string(elem) + " bytes) = " + std::to_string(nbytes) +
                               " bytes, but data_offsets " + range_string(e.begin, e.end) +
                               " span " + std::to_string(e.end - e.begin) + " bytes");
  e.info.nbytes = nbytes;
  return e;
}

Status parse_metadata(const json& j, const std::string& file, std::map<std::string, std::string>& out) {
  if (j.is_null()) return {};
  if (!j.is_object())
    return bad(file, "", "'__metadata__' is " + json_type_name(j) + ", not an object of strings");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_string())
      return bad(file, "", "'__metadata__' value for key '" + it.key() + "' is " +
                               json_type_name(*it) + ", not a string");
    out[it.key()] = it->get<std::string>();
  }
  return {};
}

}  // namespace

Result<SafetensorsHeader> parse_safetensors_header(const std::byte* bytes, uint64_t size,
                                                   const std::string& file, uint32_t file_index) {
  if (size < 8)
    return bad(file, "", "the file is " + std::to_string(size) +
                             " bytes, shorter than the 8-byte header length of a safetensors file");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | uint64_t(bytes[i]);
  if (header_len > kMaxSafetensorsHeader)
    return bad(file, "", "absurd header length " + std::to_string(header_len) +
                             " bytes (the limit is " + std::to_string(kMaxSafetensorsHeader) +
                             "): is this a safetensors file?");
  if (header_len > size - 8)
    return bad(file, "", "header length " + std::to_string(header_len) +
                             " bytes runs past the end of the file (" + std::to_string(size) +
                             " bytes)");

  const std::string_view text(reinterpret_cast<const char*>(bytes + 8), header_len);
  auto parsed = parse_strict_json(text, file, "header");
  if (!parsed) return parsed.error();
  if (parsed->duplicate) {
    const auto& path = *parsed->duplicate;
    if (path.size() == 1)
      return bad(file, path[0], "duplicate tensor name: the header lists it more than once");
    return bad(file, path[0], "duplicate key '" + path.back() + "' in its entry");
  }
  const json& root = parsed->value;
  if (!root.is_object())
    return bad(file, "", "the header is " + json_type_name(root) + ", not a JSON object");

  SafetensorsHeader out;
  out.data_begin = 8 + header_len;
  const uint64_t data_len = size - out.data_begin;
  std::vector<Entry> entries;
  entries.reserve(root.size());
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (Status s = parse_metadata(*it, file, out.metadata); !s) return s.error();
      continue;
    }
    auto e = parse_entry(it.key(), *it, data_len, file);
    if (!e) return e.error();
    entries.push_back(std::move(*e));
  }
  if (entries.empty()) return bad(file, "", "the file holds no tensors");

  // Processing order is byte order; sorting also makes the overlap check one pass.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  const Entry* reach = nullptr;  // the tensor reaching furthest so far
  for (const Entry& e : entries) {
    if (e.begin == e.end) continue;  // empty tensors occupy no bytes
    if (reach && e.begin < reach->end)
      return bad(file, e.info.name,
                 "byte range " + range_string(e.begin, e.end) + " overlaps tensor '" +
                     reach->info.name + "' at " + range_string(reach->begin, reach->end));
    if (!reach || e.end > reach->end) reach = &e;
  }

  out.tensors.reserve(entries.size());
  for (Entry& e : entries) {
    e.info.file_index = file_index;
    e.info.offset = out.data_begin + e.begin;
    out.tensors.push_back(std::move(e.info));
  }
  return out;
}

}  // namespace aq
