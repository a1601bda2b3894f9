// open_model(): picks the reader from what the path is.
#include <system_error>

#include "io/diffusers_source.h"
#include "io/gguf_source.h"
#include "io/hdf5_source.h"
#include "io/model_source.h"
#include "io/safetensors_source.h"
#include "io/sharded_source.h"
#include "io/weight_files.h"

namespace aq {
namespace {

template <class Source>
Result<std::unique_ptr<ModelSource>> widen(Result<std::unique_ptr<Source>> r) {
  if (!r) return r.error();
  return std::unique_ptr<ModelSource>(std::move(*r));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_index_name(const std::string& name) {
  return ends_with(name, ".index.json") ||
         (ends_with(name, ".json") && name.find(".safetensors.index.") != std::string::npos);
}

// A folder: a diffusers pipeline, or a folder holding one model (a file or an index).
Result<std::unique_ptr<ModelSource>> open_folder(const std::filesystem::path& folder) {
  std::error_code ec;
  if (std::filesystem::exists(folder / "model_index.json", ec)) return widen(DiffusersSource::open(folder));
  auto choice = choose_weights(folder);
  if (!choice) return choice.error();
  if (!*choice) return widen(DiffusersSource::open(folder));
  const WeightChoice& c = **choice;
  auto finish = [&](auto opened) -> Result<std::unique_ptr<ModelSource>> {
    if (!opened) return opened.error();
    (*opened)->set_opened_path(folder);
    if (!c.skipped.empty())
      (*opened)->add_warning("loaded " + c.file.filename().string() + ", skipped " + file_list(c.skipped));
    return std::unique_ptr<ModelSource>(std::move(*opened));
  };
  return c.is_index ? finish(ShardedSource::open(c.file)) : finish(SafetensorsSource::open(c.file));
}

}  // namespace

Result<std::unique_ptr<ModelSource>> open_model(const std::filesystem::path& path, const OpenOptions& options) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)  // a symlink loop, a permission denied, ...
    return make_error(ErrorKind::Io, path.string(), "", "cannot open: " + ec.message());
  if (!std::filesystem::exists(status))
    return make_error(ErrorKind::Io, path.string(), "", "no such file or folder");
  if (std::filesystem::is_directory(status)) return open_folder(path);
  // A FIFO or device would block or never end; weights are regular files.
  if (!std::filesystem::is_regular_file(status))
    return make_error(ErrorKind::Io, path.string(), "", "not a regular file");

  const std::string name = path.filename().string();
  const std::string ext = path.extension().string();
  if (is_index_name(name)) return widen(ShardedSource::open(path));
  if (ext == ".gguf" || has_gguf_magic(path)) return widen(GgufSource::open(path));
  if (ext == ".h5" || ext == ".hdf5" || ext == ".he5" || has_hdf5_signature(path))
    return widen(Hdf5Source::open(path, options));
  return widen(SafetensorsSource::open(path));
}

}  // namespace aq
