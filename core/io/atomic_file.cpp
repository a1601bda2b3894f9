#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

namespace aq {
namespace {
std::string errno_text(int err) { return std::strerror(err); }
}  // namespace

Result<AtomicFile> AtomicFile::create(const std::filesystem::path& destination, bool open_fd) {
  AtomicFile f;
  f.dest_ = destination;
  const auto dir = destination.has_parent_path() ? destination.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return make_error(ErrorKind::Io, destination.string(), "", "output folder does not exist");
  std::random_device rd;
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto temp = dir / ("." + destination.filename().string() + ".aqtmp-" + std::to_string(::getpid()) + "-" +
                       std::to_string(rd() % 1000000));
    const int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return make_error(ErrorKind::Io, destination.string(), "", "cannot create output: " + errno_text(errno));
    }
    f.temp_ = temp;
    f.active_ = true;
    if (open_fd) {
      f.fd_ = fd;
    } else {
      ::close(fd);
      ::unlink(temp.c_str());  // the writer creates it itself
    }
    return f;
  }
  return make_error(ErrorKind::Io, destination.string(), "", "cannot find a free temporary file name");
}

AtomicFile::AtomicFile(AtomicFile&& o) noexcept { *this = std::move(o); }

AtomicFile& AtomicFile::operator=(AtomicFile&& o) noexcept {
  if (this != &o) {
    abort();
    dest_ = std::move(o.dest_);
    temp_ = std::move(o.temp_);
    fd_ = o.fd_;
    active_ = o.active_;
    unflushed_ = o.unflushed_.load();
    o.fd_ = -1;
    o.active_ = false;
  }
  return *this;
}

AtomicFile::~AtomicFile() { abort(); }

Status AtomicFile::write_at(const void* data, std::size_t size, uint64_t offset, std::string_view tensor) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::pwrite(fd_, p, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      // ENOSPC: the disk is full; EFBIG: a file-size limit (ulimit -f) was reached.
      std::string reason = (err == ENOSPC || err == EFBIG) ? "no space for the output: " + errno_text(err)
                                                           : "write failed: " + errno_text(err);
      return make_error(ErrorKind::Io, dest_.string(), std::string(tensor), reason);
    }
    p += n;
    size -= std::size_t(n);
    offset += uint64_t(n);
  }
  // Start write-back of what is written so far every 32 MiB, so the disk works while we compute and
  // the fsync in commit() has little left to do.
  if (unflushed_.fetch_add(uint64_t(p - static_cast<const char*>(data))) > (32u << 20)) {
    unflushed_ = 0;
    ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  return {};
}

Status AtomicFile::commit() {
  if (!active_) return make_error(ErrorKind::Internal, dest_.string(), "", "commit without an open output");
  if (fd_ >= 0) {
    if (::fsync(fd_) != 0) {
      const int err = errno;
      abort();
      return make_error(ErrorKind::Io, dest_.string(), "", "cannot flush the output: " + errno_text(err));
    }
    ::close(fd_);
    fd_ = -1;
  }
  if (std::rename(temp_.c_str(), dest_.c_str()) != 0) {
    const int err = errno;
    abort();
    return make_error(ErrorKind::Io, dest_.string(), "", "cannot move the finished output into place: " + errno_text(err));
  }
  active_ = false;
  return {};
}

Result<uint64_t> AtomicFile::commit_and_size() {
  if (auto s = commit(); !s) return s.error();
  std::error_code ec;
  return uint64_t(std::filesystem::file_size(dest_, ec));
}

void AtomicFile::abort() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (active_) {
    ::unlink(temp_.c_str());
    active_ = false;
  }
}

}  // namespace aq
