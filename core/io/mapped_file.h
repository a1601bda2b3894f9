#pragma once
// A whole file mapped read-only into memory.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "util/result.h"

namespace aq {

/// A read-only memory mapping of one file. Not copyable; the mapping lives as long as the object.
class MappedFile {
 public:
  /// Maps the whole file. An Io error names the file if it cannot be opened, sized or mapped.
  static Result<std::unique_ptr<MappedFile>> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  /// First byte of the file; nullptr for an empty file.
  const std::byte* data() const { return data_; }
  uint64_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

  /// Gives the pages lying wholly inside [offset, offset + len) back to the OS (MADV_DONTNEED).
  /// Later reads of those bytes fault them in again from the file. Thread-safe.
  void release(uint64_t offset, uint64_t len) const;

  /// True when a read found the file shorter than its mapping (it shrank under us): those
  /// bytes read as zeros (io/fault_guard.h), and whatever was read from this file is suspect.
  bool faulted() const;

 private:
  MappedFile(std::filesystem::path path, const std::byte* data, uint64_t size);
  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  uint64_t size_ = 0;
  int guard_slot_ = -1;
};

}  // namespace aq
