#include "io/mapped_file.h"

#include "io/fault_guard.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace aq {
namespace {

Error io_error(const std::filesystem::path& path, const char* what, int err) {
  return make_error(ErrorKind::Io, path.string(), "", std::string(what) + ": " + std::strerror(err));
}

uint64_t page_size() {
  static const uint64_t size = [] {
    const long s = sysconf(_SC_PAGESIZE);
    return s > 0 ? uint64_t(s) : uint64_t(4096);
  }();
  return size;
}

}  // namespace

Result<std::unique_ptr<MappedFile>> MappedFile::open(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return io_error(path, "cannot open for reading", errno);
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return io_error(path, "cannot read the file size", err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(ErrorKind::Io, path.string(), "", "not a regular file");
  }
  const uint64_t size = uint64_t(st.st_size);
  void* data = nullptr;
  if (size > 0) {  // mmap of zero bytes fails; an empty file simply has no data
    data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return io_error(path, "cannot memory-map", err);
    }
  }
  ::close(fd);  // the mapping keeps its own reference to the file
  return std::unique_ptr<MappedFile>(new MappedFile(path, static_cast<const std::byte*>(data), size));
}

MappedFile::MappedFile(std::filesystem::path path, const std::byte* data, uint64_t size)
    : path_(std::move(path)), data_(data), size_(size), guard_slot_(guard_mapping(data, size)) {}

MappedFile::~MappedFile() {
  unguard_mapping(guard_slot_);
  if (data_) munmap(const_cast<std::byte*>(data_), size_);
}

bool MappedFile::faulted() const { return mapping_faults(guard_slot_) > 0; }

void MappedFile::release(uint64_t offset, uint64_t len) const {
  if (!data_ || offset >= size_) return;
  const uint64_t end = len > size_ - offset ? size_ : offset + len;
  // Only pages wholly inside the range: a neighbouring tensor may share the edge pages. The last
  // page of the file counts as whole when the range reaches the end of the file.
  const uint64_t page = page_size();
  const uint64_t first = (offset + page - 1) / page * page;
  const uint64_t last = end == size_ ? (end + page - 1) / page * page : end / page * page;
  if (first >= last) return;
  madvise(const_cast<std::byte*>(data_) + first, last - first, MADV_DONTNEED);
}

}  // namespace aq
