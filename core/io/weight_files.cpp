#include "io/weight_files.h"

#include "io/folder_confinement.h"

#include <algorithm>
#include <regex>
#include <string>
#include <system_error>

namespace aq {
namespace {

struct Candidate {
  std::filesystem::path file;
  std::string stem;  // "diffusion_pytorch_model" or, for a variant, "diffusion_pytorch_model.fp16"
  bool is_index = false;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string file_list(const std::vector<std::filesystem::path>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ", ") + f.filename().string();
  return out;
}

Result<std::optional<WeightChoice>> choose_weights(const std::filesystem::path& folder) {
  // diffusers names a variant index "name.safetensors.index.fp16.json".
  static const std::regex index_re(R"((.+)\.safetensors\.index(\.[^.]+)?\.json)");
  static const std::regex shard_re(R"(.+-\d+-of-\d+\.safetensors)");
  std::vector<Candidate> all;
  std::vector<std::filesystem::path> orphan_shards;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    const std::string name = it->path().filename().string();
    std::smatch m;
    if (std::regex_match(name, m, index_re)) {
      all.push_back({it->path(), m[1].str() + m[2].str(), true});
    } else if (ends_with(name, ".safetensors")) {
      if (std::regex_match(name, shard_re))
        orphan_shards.push_back(it->path());
      else
        all.push_back({it->path(), name.substr(0, name.size() - 12), false});
    }
  }
  if (ec) return make_error(ErrorKind::Io, folder.string(), "", "cannot list the folder: " + ec.message());
  if (all.empty()) {
    if (!orphan_shards.empty())
      return make_error(ErrorKind::BadInput, folder.string(), "",
                        "the folder holds shard files (" + file_list(orphan_shards) +
                            ") but no *.safetensors.index.json listing them");
    return std::optional<WeightChoice>();
  }
  // Directory order is arbitrary; sort so choices and messages are stable.
  std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
    return a.file.filename() < b.file.filename();
  });

  auto is_variant = [&](const Candidate& c) {
    return std::any_of(all.begin(), all.end(), [&](const Candidate& d) {
      return d.stem.size() < c.stem.size() && c.stem.compare(0, d.stem.size(), d.stem) == 0 &&
             c.stem[d.stem.size()] == '.';
    });
  };
  std::vector<const Candidate*> plain;
  for (const Candidate& c : all)
    if (!is_variant(c)) plain.push_back(&c);
  // A file and an index of the same name describe one model: the single file wins.
  std::stable_sort(plain.begin(), plain.end(), [](const Candidate* a, const Candidate* b) {
    return a->stem != b->stem ? a->stem < b->stem : (!a->is_index && b->is_index);
  });
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < plain.size(); ++i)
    if (i == 0 || plain[i]->stem != plain[i - 1]->stem) ++distinct;
  if (distinct > 1) {
    std::vector<std::filesystem::path> names;
    for (const Candidate* c : plain) names.push_back(c->file);
    return make_error(ErrorKind::BadInput, folder.string(), "",
                      "the folder holds several models (" + file_list(names) +
                          "); open one file or index directly");
  }
  WeightChoice choice{plain.front()->file, plain.front()->is_index, {}};
  if (auto inside = check_inside_model_folder(choice.file, folder); !inside) return inside.error();
  for (const Candidate& c : all)
    if (c.file != choice.file) choice.skipped.push_back(c.file);
  return std::optional<WeightChoice>(std::move(choice));
}

}  // namespace aq
