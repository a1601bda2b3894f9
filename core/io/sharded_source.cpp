#include "io/sharded_source.h"

#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include "io/folder_confinement.h"
#include "io/strict_json.h"

namespace aq {
namespace {

using nlohmann::json;

// An index lists about 80 bytes per tensor: 32 MiB is room for 400,000 tensors.
constexpr uint64_t kMaxIndexBytes = 32ull << 20;

Error bad(const std::filesystem::path& file, const std::string& tensor, std::string reason) {
  return make_error(ErrorKind::BadInput, file.string(), tensor, std::move(reason));
}

Result<std::string> read_text(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return make_error(ErrorKind::Io, file.string(), "", "cannot read: " + ec.message());
  if (size > kMaxIndexBytes)
    return bad(file, "", "absurd index size " + std::to_string(size) + " bytes (the limit is " +
                             std::to_string(kMaxIndexBytes) + ")");
  std::ifstream in(file, std::ios::binary);
  std::string text(size, '\0');
  if (!in || !in.read(text.data(), std::streamsize(size)))
    return make_error(ErrorKind::Io, file.string(), "", "cannot read the index file");
  return text;
}

// A shard name must stay inside the index's folder: an index is data, not a licence to read
// arbitrary files.
bool safe_relative(const std::filesystem::path& p) {
  if (p.empty() || p.is_absolute() || p.has_root_name()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

}  // namespace

Result<std::unique_ptr<ShardedSource>> ShardedSource::open(const std::filesystem::path& index) {
  std::unique_ptr<ShardedSource> src(new ShardedSource());
  src->path_ = index;
  if (Status s = src->add_index(index, "", ""); !s) return s.error();
  src->sort_tensors();
  return src;
}

Status ShardedSource::add_index(const std::filesystem::path& index, const std::string& prefix,
                                const std::string& component) {
  index_files_.push_back(index);
  auto text = read_text(index);
  if (!text) return text.error();
  auto parsed = parse_strict_json(*text, index.string(), "index");
  if (!parsed) return parsed.error();
  if (parsed->duplicate) {
    const auto& path = *parsed->duplicate;
    if (path.size() == 2 && path[0] == "weight_map")
      return bad(index, path[1], "listed more than once in 'weight_map'");
    return bad(index, "", "duplicate key '" + path.back() + "'");
  }
  const json& root = parsed->value;
  if (!root.is_object())
    return bad(index, "", "the index is " + json_type_name(root) + ", not a JSON object");
  auto wm = root.find("weight_map");
  if (wm == root.end()) return bad(index, "", "the index has no 'weight_map'");
  if (!wm->is_object())
    return bad(index, "", "'weight_map' is " + json_type_name(*wm) + ", not an object");
  if (wm->empty()) return bad(index, "", "'weight_map' lists no tensors");

  // Tensor -> shard as the index says, and the shards in name order (model-00001-of-00003, ...).
  std::map<std::string, std::string> listed;
  std::map<std::string, std::size_t> shard_counts;
  for (auto it = wm->begin(); it != wm->end(); ++it) {
    if (!it->is_string())
      return bad(index, it.key(), "the 'weight_map' entry is " + json_type_name(*it) +
                                      ", not a shard file name");
    const std::string& shard = it->get_ref<const std::string&>();
    if (!safe_relative(shard))
      return bad(index, it.key(), "shard name '" + shard + "' is not a file inside the index's folder");
    if (it.key().size() > kMaxTensorNameBytes)
      return bad(index, it.key(), "tensor name of " + std::to_string(it.key().size()) + " bytes (the limit is " +
                                      std::to_string(kMaxTensorNameBytes) + ")");
    listed[it.key()] = shard;
    ++shard_counts[shard];
  }

  const std::filesystem::path folder = index.parent_path();
  std::map<std::string, std::string> found;  // tensor -> shard it was found in
  for (const auto& [shard, count] : shard_counts) {
    const std::filesystem::path shard_path = folder / shard;
    std::error_code ec;
    const bool exists = std::filesystem::exists(shard_path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
      return make_error(ErrorKind::Io, index.string(), "",
                        "shard file '" + shard + "': " + ec.message() + " at " + shard_path.string());
    if (!exists)
      return bad(index, "", "shard file '" + shard + "' (listed for " + std::to_string(count) +
                                " tensors) does not exist at " + shard_path.string());
    if (auto inside = check_inside_model_folder(shard_path, folder); !inside)
      return bad(index, "", "shard file '" + shard + "': " + inside.error().reason);
    auto header = map_file(shard_path);
    if (!header) return header.error();
    for (TensorInfo& t : header->tensors) {
      if (auto [it, fresh] = found.emplace(t.name, shard); !fresh)
        return bad(index, t.name, "the tensor is in two shards: '" + it->second + "' and '" + shard + "'");
      if (!listed.count(t.name))
        warnings_.push_back("tensor '" + t.name + "' in shard '" + shard +
                            "' is not listed in the index " + index.filename().string() +
                            "; loaded anyway");
      t.name = prefix + t.name;
      t.component = component;
      tensors_.push_back(std::move(t));
    }
  }
  for (const auto& [name, shard] : listed) {
    auto it = found.find(name);
    if (it == found.end() || it->second != shard)
      return bad(index, name, "listed in the index under shard '" + shard + "' but absent from it" +
                                  (it == found.end() ? std::string()
                                                     : " (it is in '" + it->second + "')"));
  }
  return {};
}

}  // namespace aq
