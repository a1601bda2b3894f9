#include "io/output_guard.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "io/model_source.h"

namespace aq {
namespace {

Error refuse(const OutputTarget& t, const std::string& why) {
  return make_error(ErrorKind::BadArgument, t.path.string(), "", t.role + " " + why);
}

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

}  // namespace

Status check_output_target(const OutputTarget& t) {
  if (t.path.empty()) return make_error(ErrorKind::BadArgument, "", "", t.role + " path is empty");
  struct stat st {};
  if (::stat(t.path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      return refuse(t, "exists and is " + kind_of(st.st_mode) + ": refusing to replace it");
    return {};
  }
  const int err = errno;
  if (err == ELOOP) return refuse(t, "path has a symlink loop");
  if (err != ENOENT) return make_error(ErrorKind::Io, t.path.string(), "", t.role + ": " + std::strerror(err));
  // The path may still be a dangling symlink; the finished file is renamed over the link itself.
  const auto dir = t.path.has_parent_path() ? t.path.parent_path() : std::filesystem::path(".");
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) != 0) {
    const int derr = errno;
    if (derr == ELOOP) return refuse(t, "folder path has a symlink loop");
    return make_error(ErrorKind::Io, t.path.string(), "", t.role + " folder " + dir.string() + ": " + std::strerror(derr));
  }
  if (!S_ISDIR(dst.st_mode)) return refuse(t, "folder " + dir.string() + " is not a folder");
  return {};
}

Status check_outputs(const std::vector<OutputTarget>& targets, const std::vector<std::filesystem::path>& inputs) {
  std::vector<struct stat> input_stats;
  for (const auto& in : inputs) {
    struct stat st {};
    if (::stat(in.c_str(), &st) == 0) input_stats.push_back(st);
  }
  std::vector<std::pair<const OutputTarget*, struct stat>> existing;
  for (const auto& t : targets) {
    if (auto s = check_output_target(t); !s) return s;
    struct stat st {};
    if (::stat(t.path.c_str(), &st) != 0) continue;  // does not exist yet: cannot be an input
    for (std::size_t i = 0; i < input_stats.size(); ++i)
      if (same_file(st, input_stats[i]))
        return refuse(t, "is the input file " + inputs[i].string() + " (the same file on disk): refusing to overwrite it");
    for (const auto& [other, ost] : existing)
      if (same_file(st, ost)) return refuse(t, "is the same file as the " + other->role);
    existing.emplace_back(&t, st);
  }
  // Outputs that do not exist yet may still be spelled twice.
  for (std::size_t i = 0; i < targets.size(); ++i)
    for (std::size_t j = i + 1; j < targets.size(); ++j) {
      std::error_code e1, e2;
      const auto a = std::filesystem::weakly_canonical(targets[i].path, e1);
      const auto b = std::filesystem::weakly_canonical(targets[j].path, e2);
      if (!e1 && !e2 && a == b) return refuse(targets[j], "is the same file as the " + targets[i].role);
    }
  return {};
}

std::vector<std::filesystem::path> input_files(const ModelSource& source) {
  std::vector<std::filesystem::path> files = source.files();
  for (const auto& f : source.index_files()) files.push_back(f);
  std::error_code ec;
  if (std::filesystem::is_regular_file(source.path(), ec)) files.push_back(source.path());
  return files;
}

}  // namespace aq
