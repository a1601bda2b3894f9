#include "io/file_stamp.h"

#include <sys/stat.h>

#include <string>

namespace aq {
namespace {

bool stamp(const std::filesystem::path& file, FileStamp& out) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return false;
  out.file = file;
  out.device = uint64_t(st.st_dev);
  out.inode = uint64_t(st.st_ino);
  out.size = uint64_t(st.st_size);
  out.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return true;
}

}  // namespace

std::vector<FileStamp> stamp_files(const std::vector<std::filesystem::path>& files) {
  std::vector<FileStamp> out;
  for (const auto& f : files)
    if (FileStamp s; stamp(f, s)) out.push_back(std::move(s));
  return out;
}

Status verify_unchanged(const std::vector<FileStamp>& stamps) {
  for (const FileStamp& before : stamps) {
    FileStamp now;
    std::string how;
    if (!stamp(before.file, now))
      how = "it was removed";
    else if (now.device != before.device || now.inode != before.inode)
      how = "it was replaced by another file";
    else if (now.size != before.size)
      how = "its size went from " + std::to_string(before.size) + " to " + std::to_string(now.size) + " bytes";
    else if (now.mtime_ns != before.mtime_ns)
      how = "it was modified";
    if (!how.empty())
      return make_error(ErrorKind::Io, before.file.string(), "",
                        "the input changed while it was being read (" + how + "); nothing was written");
  }
  return {};
}

}  // namespace aq
