#include "packed_file_edit.h"

#include "fuzz_support.h"

namespace aqfuzz {

std::string dump(const ojson& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

PFile parse_packed(const std::vector<uint8_t>& bytes) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[std::size_t(i)];
  const auto header = ojson::parse(bytes.begin() + 8, bytes.begin() + 8 + long(n));
  PFile f;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      for (auto m = it->begin(); m != it->end(); ++m) f.meta[m.key()] = m->get<std::string>();
      continue;
    }
    PTensor t{it.key(), (*it)["dtype"].get<std::string>(), (*it)["shape"].get<std::vector<int64_t>>(), {}};
    const auto b = (*it)["data_offsets"][0].get<uint64_t>(), e = (*it)["data_offsets"][1].get<uint64_t>();
    t.bytes.assign(bytes.begin() + long(8 + n + b), bytes.begin() + long(8 + n + e));
    f.tensors.push_back(std::move(t));
  }
  f.spec = ojson::parse(f.meta.at("arrowquant"));
  f.meta.erase("arrowquant");
  return f;
}

std::vector<uint8_t> serialize(const PFile& f) {
  ojson h = ojson::object();
  std::map<std::string, std::string> meta = f.meta;
  meta["arrowquant"] = f.spec_is_text ? f.spec_text : dump(f.spec);
  h["__metadata__"] = meta;
  uint64_t off = 0;
  // Names may repeat after a mutation: nlohmann keeps one, so build the text by hand then.
  std::string text = "{\"__metadata__\":";
  text += dump(h["__metadata__"]);
  for (const auto& t : f.tensors) {
    ojson e = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {off, off + t.bytes.size()}}};
    text += ',';
    text += dump(ojson(t.name));
    text += ':';
    text += dump(e);
    off += t.bytes.size();
  }
  text += "}";
  while (text.size() % 8) text += ' ';
  std::vector<const std::vector<uint8_t>*> data;
  for (const auto& t : f.tensors) data.push_back(&t.bytes);
  auto out = safetensors_file(text.size(), text, data);
  return out;
}

}  // namespace aqfuzz
