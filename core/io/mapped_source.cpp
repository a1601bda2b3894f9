#include "io/mapped_source.h"

#include <algorithm>
#include <string>
#include <system_error>

namespace aq {

uint32_t MappedSource::add_mapping(const std::filesystem::path& file, std::unique_ptr<MappedFile> map) {
  files_.push_back(file);
  maps_.push_back(std::move(map));
  return uint32_t(files_.size() - 1);
}

void MappedSource::sort_tensors() {
  std::stable_sort(tensors_.begin(), tensors_.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.file_index != b.file_index ? a.file_index < b.file_index : a.offset < b.offset;
  });
}

Result<std::pair<uint64_t, uint64_t>> MappedSource::row_range(std::size_t index, int64_t row_begin,
                                                              int64_t row_end) const {
  if (index >= tensors_.size())
    return make_error(ErrorKind::Internal, path_.string(), "",
                      "tensor index " + std::to_string(index) + " out of range (" + std::to_string(tensors_.size()) +
                          " tensors)");
  const TensorInfo& t = tensors_[index];
  if (row_begin < 0 || row_begin > row_end || row_end > t.rows())
    return make_error(ErrorKind::Internal, files_[t.file_index].string(), t.name,
                      "rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) + ") out of range (" +
                          std::to_string(t.rows()) + " rows)");
  const uint64_t row_bytes = t.row_bytes();
  return std::pair<uint64_t, uint64_t>{t.offset + uint64_t(row_begin) * row_bytes,
                                       uint64_t(row_end - row_begin) * row_bytes};
}

Result<const std::byte*> MappedSource::read_rows(std::size_t index, int64_t row_begin, int64_t row_end,
                                                 std::vector<std::byte>& /*scratch*/) const {
  auto range = row_range(index, row_begin, row_end);
  if (!range) return range.error();
  const MappedFile& map = *maps_[tensors_[index].file_index];
  if (!map.data()) return static_cast<const std::byte*>(nullptr);  // empty file: nothing to read
  return map.data() + range->first;  // bounds were checked against the file when parsing
}

void MappedSource::release_rows(std::size_t index, int64_t row_begin, int64_t row_end) const {
  auto range = row_range(index, row_begin, row_end);
  if (!range) return;
  maps_[tensors_[index].file_index]->release(range->first, range->second);
}

Status MappedSource::check_read(std::size_t index) const {
  if (index >= tensors_.size()) return {};
  const TensorInfo& t = tensors_[index];
  const MappedFile& map = *maps_[t.file_index];
  // A fault means bytes read as zeros; a file now too short means the kernel refused a copy from
  // the mapping (write() fails with EFAULT then, and no SIGBUS is raised).
  std::error_code ec;
  const auto now = std::filesystem::file_size(map.path(), ec);
  // (A file removed under us is still mapped whole: the end-of-run check reports that.)
  if (!map.faulted() && (ec || now >= t.offset + t.nbytes)) return {};
  return make_error(ErrorKind::Io, map.path().string(), t.name,
                    "the file shrank while it was being read (" + std::to_string(map.size()) + " bytes when opened, " +
                        (ec ? std::string("now unreadable") : "now " + std::to_string(now)) +
                        "): its data could not be read");
}

}  // namespace aq
