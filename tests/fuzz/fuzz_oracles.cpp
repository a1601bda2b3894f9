#include "fuzz_oracles.h"

namespace aqfuzz {

namespace fs = std::filesystem;

bool check_source(FuzzLoop& loop, const aq::ModelSource& src) {
  bool fine = true;
  std::vector<std::byte> scratch;
  for (std::size_t i = 0; i < src.tensors().size(); ++i) {
    const aq::TensorInfo& t = src.tensors()[i];
    const std::string who = "tensor #" + std::to_string(i) + " '" + t.name.substr(0, 80) + "' " + t.shape_string() + ": ";
    if (t.file_index >= src.files().size()) {
      loop.finding(who + "file_index " + std::to_string(t.file_index) + " out of range");
      return false;
    }
    unsigned __int128 numel = 1;
    bool negative = false;
    for (int64_t d : t.shape) {
      if (d < 0) negative = true;
      numel *= (unsigned __int128)(uint64_t(d < 0 ? 0 : d));
      if (numel > (unsigned __int128)(INT64_MAX)) numel = (unsigned __int128)(INT64_MAX) + 1;
    }
    const unsigned __int128 nbytes = numel * aq::dtype_size(t.dtype);
    if (negative || nbytes != t.nbytes) {
      loop.finding(who + "accepted with nbytes " + std::to_string(t.nbytes) + " that is not numel x dtype size");
      fine = false;
      continue;
    }
    std::error_code ec;
    const uint64_t fsize = fs::file_size(src.files()[t.file_index], ec);
    if (ec) {
      loop.finding(who + "its file " + src.files()[t.file_index].string() + " has no size: " + ec.message());
      return false;
    }
    if ((unsigned __int128)t.offset + t.nbytes > fsize) {
      loop.finding(who + "bytes [" + std::to_string(t.offset) + ", +" + std::to_string(t.nbytes) +
                   ") run past the end of its file (" + std::to_string(fsize) + " bytes)");
      fine = false;
      continue;
    }
    if (t.rows() < 0 || t.cols() < 0) {
      loop.finding(who + "negative rows or cols");
      fine = false;
      continue;
    }
    auto p = src.read_rows(i, 0, t.rows(), scratch);
    if (!p.ok()) {
      loop.finding(who + "accepted but reading it fails: " + p.error().message());
      fine = false;
      continue;
    }
    if (t.nbytes > 0 && *p == nullptr) {
      loop.finding(who + "read_rows gave a null pointer for " + std::to_string(t.nbytes) + " bytes");
      fine = false;
      continue;
    }
    if (t.nbytes > 0) touch(*p, t.nbytes);
    if (t.rows() > 2) {  // a range in the middle as well
      auto q = src.read_rows(i, 1, t.rows() - 1, scratch);
      if (!q.ok()) {
        loop.finding(who + "reading rows [1, rows-1) fails: " + q.error().message());
        fine = false;
        continue;
      }
      touch(*q, uint64_t(t.rows() - 2) * t.row_bytes());
    }
    src.release_rows(i, 0, t.rows());
  }
  return fine;
}

bool check_error(FuzzLoop& loop, const aq::Error& e, const fs::path& expected_file) {
  bool fine = true;
  if (e.reason.empty()) {
    loop.finding("an Error with an empty reason: " + e.message());
    fine = false;
  }
  std::error_code ec;
  const bool folder = fs::is_directory(expected_file, ec);
  if (folder) {
    const std::string root = expected_file.lexically_normal().string();
    const std::string f = fs::path(e.file).lexically_normal().string();
    if (f.rfind(root, 0) != 0) {
      loop.finding("the Error names '" + e.file + "', not a file inside " + root + ": " + e.message());
      fine = false;
    }
  } else if (e.file != expected_file.string()) {
    loop.finding("the Error names '" + e.file + "' instead of " + expected_file.string() + ": " + e.message());
    fine = false;
  }
  return fine;
}

void open_and_check(FuzzLoop& loop, const fs::path& path) {
  auto r = aq::open_model(path);
  if (!r.ok()) {
    loop.count("refused");
    check_error(loop, r.error(), path);
    return;
  }
  loop.count("opened");
  if (r.value()->tensors().empty()) loop.finding("a model with no tensors was accepted");
  check_source(loop, *r.value());
}

}  // namespace aqfuzz
