#pragma once
// A packed safetensors file taken apart for editing (its tensors, its __metadata__ and the
// `arrowquant` spec as a JSON document) and put back together, for the packed-metadata fuzz loop.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aqfuzz {

using ojson = nlohmann::ordered_json;

struct PTensor {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

struct PFile {
  std::vector<PTensor> tensors;
  std::map<std::string, std::string> meta;  // __metadata__ without the spec
  ojson spec;                                // the `arrowquant` document
  bool spec_is_text = false;                 // spec_text replaces spec
  std::string spec_text;
};

/// JSON text of `j`, invalid UTF-8 replaced.
std::string dump(const ojson& j);
PFile parse_packed(const std::vector<uint8_t>& bytes);
/// The file's bytes; names that repeat after a mutation are kept (the header is written by hand).
std::vector<uint8_t> serialize(const PFile& f);

}  // namespace aqfuzz
