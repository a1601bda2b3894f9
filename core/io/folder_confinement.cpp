#include "io/folder_confinement.h"

#include <system_error>

namespace aq {
namespace {

bool is_within(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p)
    if (p == path.end() || *p != *r) return false;
  return true;
}

}  // namespace

Status check_inside_model_folder(const std::filesystem::path& file, const std::filesystem::path& folder) {
  std::error_code e1, e2;
  const auto real_file = std::filesystem::canonical(file, e1);
  const auto real_folder = std::filesystem::canonical(folder.empty() ? "." : folder, e2);
  if (e1 || e2)
    return make_error(ErrorKind::Io, file.string(), "", "cannot resolve the path: " + (e1 ? e1 : e2).message());
  if (is_within(real_file, real_folder)) return {};
  // huggingface_hub's cache: models--org--name/snapshots/REV/file -> ../../blobs/HASH
  // (or a component folder inside such a snapshot).
  for (auto dir = real_folder; dir.has_relative_path(); dir = dir.parent_path()) {
    const auto repo = dir.parent_path().parent_path();
    if (dir.parent_path().filename() == "snapshots" && repo.filename().string().rfind("models--", 0) == 0)
      return is_within(real_file, repo / "blobs") ? Status() : make_error(ErrorKind::BadInput, file.string(), "",
                          "it leads outside the model's cache repository " + repo.string() + " (to " +
                              real_file.string() + "): refused");
  }
  return make_error(ErrorKind::BadInput, file.string(), "",
                    "it leads outside the model folder " + real_folder.string() + " (to " + real_file.string() +
                        "): refused");
}

}  // namespace aq
