#pragma once
// Helpers shared by the model-reader tests.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/model_source.h"
#include "test_support.h"

namespace aqtest {

/// Opens `path` and expects an Error of `kind` that names `file` (default: `path`), names
/// `tensor` when one is given, and whose reason contains `phrase`.
inline aq::Error expect_open_error(const std::filesystem::path& path, aq::ErrorKind kind,
                                   const std::string& tensor, const std::string& phrase,
                                   const std::filesystem::path& file = {}) {
  auto r = aq::open_model(path);
  EXPECT_FALSE(r.ok()) << "opened " << path << " but expected an error containing '" << phrase << "'";
  if (r.ok()) return {};
  const aq::Error& e = r.error();
  EXPECT_EQ(int(e.kind), int(kind)) << e.message();
  EXPECT_EQ(e.file, (file.empty() ? path : file).string()) << e.message();
  if (!tensor.empty()) {
    EXPECT_EQ(e.tensor, tensor) << e.message();
  }
  EXPECT_NE(e.reason.find(phrase), std::string::npos)
      << "reason '" << e.reason << "' lacks '" << phrase << "'";
  return e;
}

/// Opens `path`, failing the test with the error message if it cannot.
inline std::unique_ptr<aq::ModelSource> open_ok(const std::filesystem::path& path) {
  auto r = aq::open_model(path);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  if (!r.ok()) return nullptr;
  return std::move(r.value());
}

/// All bytes of tensor `index`, read through read_rows.
inline std::vector<uint8_t> read_tensor(const aq::ModelSource& src, std::size_t index) {
  const aq::TensorInfo& t = src.tensors()[index];
  std::vector<std::byte> scratch;
  auto p = src.read_rows(index, 0, t.rows(), scratch);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message());
  if (!p.ok() || t.nbytes == 0) return {};
  std::vector<uint8_t> out(t.nbytes);
  std::memcpy(out.data(), *p, out.size());
  return out;
}

/// Bytes of any trivially copyable values.
template <class T>
std::vector<uint8_t> raw_bytes(const std::vector<T>& v) {
  std::vector<uint8_t> out(v.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

}  // namespace aqtest
