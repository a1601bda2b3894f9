#include "io/diffusers_source.h"

#include <algorithm>
#include <system_error>
#include <vector>

#include "io/folder_confinement.h"
#include "io/weight_files.h"

namespace aq {
namespace {

// Weights we cannot read; a component holding only these is worth a warning, not silence.
bool has_pytorch_weights(const std::filesystem::path& folder) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    if (ext == ".bin" || ext == ".pt" || ext == ".pth" || ext == ".ckpt") return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<DiffusersSource>> DiffusersSource::open(const std::filesystem::path& folder) {
  std::unique_ptr<DiffusersSource> src(new DiffusersSource());
  src->path_ = folder;

  std::vector<std::filesystem::path> subfolders;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code dec;
    if (it->is_directory(dec)) subfolders.push_back(it->path());
  }
  if (ec) return make_error(ErrorKind::Io, folder.string(), "", "cannot list the folder: " + ec.message());
  std::sort(subfolders.begin(), subfolders.end());

  for (const auto& sub : subfolders) {
    const std::string component = sub.filename().string();
    auto choice = choose_weights(sub);
    if (!choice) return choice.error();
    if (!*choice) {
      if (has_pytorch_weights(sub))
        src->warnings_.push_back("component '" + component +
                                 "' has only PyTorch weights (.bin/.pt/.ckpt), which are not "
                                 "read: skipped");
      continue;
    }
    const WeightChoice& c = **choice;
    // A component folder may itself be a symlink: its weights must still be the pipeline's.
    if (auto inside = check_inside_model_folder(c.file, folder); !inside) return inside.error();
    if (!c.skipped.empty())
      src->warnings_.push_back("component '" + component + "': loaded " + c.file.filename().string() +
                               ", skipped " + file_list(c.skipped));
    const std::string prefix = component + "/";
    Status s = c.is_index ? src->add_index(c.file, prefix, component)
                          : src->add_file(c.file, prefix, component);
    if (!s) return s.error();
  }
  if (src->tensors_.empty())
    return make_error(ErrorKind::BadInput, folder.string(), "",
                      "no safetensors weights in the folder or its component subfolders "
                      "(unet/, transformer/, vae/, text_encoder/ ...)");
  src->sort_tensors();
  return src;
}

}  // namespace aq
