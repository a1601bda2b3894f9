#pragma once
// Output that is all or nothing: data goes to a temporary file beside the destination, which is
// renamed over it only on commit. An error, a cancel or a crash leaves no half-written output
// (at worst a hidden temporary, which is removed on abort and on destruction).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.h"

namespace aq {

class AtomicFile {
 public:
  /// Creates the temporary file. `open_fd` false: only reserve the temporary path (for writers
  /// such as HDF5 that open files themselves).
  static Result<AtomicFile> create(const std::filesystem::path& destination, bool open_fd = true);

  AtomicFile(AtomicFile&& other) noexcept;  // only before any write (the counter is not moved)
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  /// Writes all of `data` at `offset` (thread-safe: pwrite). `tensor` names what was being
  /// written, for the error message (disk full, ...).
  Status write_at(const void* data, std::size_t size, uint64_t offset, std::string_view tensor = {});
  /// fsync, rename over the destination. After this the object owns nothing.
  Status commit();
  /// commit(), then the finished file's size (what writers report).
  Result<uint64_t> commit_and_size();
  /// Removes the temporary file. Idempotent.
  void abort();

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& destination() const { return dest_; }

 private:
  AtomicFile() = default;
  std::filesystem::path dest_;
  std::filesystem::path temp_;
  int fd_ = -1;
  bool active_ = false;
  std::atomic<uint64_t> unflushed_{0};  // bytes written since write-back was last started
};

}  // namespace aq
