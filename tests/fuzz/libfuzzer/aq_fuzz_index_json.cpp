// libFuzzer target: the text of a *.safetensors.index.json -> aq::open_model, with two small
// valid shards next to it ("a.safetensors": tensors x and y; "b.safetensors": z) and a valid shard
// outside the folder that a symlink "out.safetensors" points at. Oracle: a source whose tensors
// lie inside their files and whose every byte is read, or an Error with a reason; never a data
// file outside the folder (the symlinked one included).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/model_source.h"

namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string shard(const std::string& header, std::size_t data) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[std::size_t(i)] = char(uint64_t(header.size()) >> (8 * i));
  return out + header + std::string(data, '\x3c');
}

struct Folder {
  fs::path root, model, index;
  Folder() {
    root = fs::temp_directory_path() / ("aq-libfuzz-index-" + std::to_string(getpid()));
    model = root / "model";
    fs::create_directories(model);
    fs::create_directories(root / "outside");
    write(model / "a.safetensors",
          shard(R"({"x":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},"y":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})", 20));
    write(model / "b.safetensors", shard(R"({"z":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 4));
    write(root / "outside" / "secret.safetensors", shard(R"({"s":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1));
    std::error_code ec;
    fs::create_symlink("../outside/secret.safetensors", model / "out.safetensors", ec);
    index = model / "model.safetensors.index.json";
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Folder folder;
  write(folder.index, std::string(reinterpret_cast<const char*>(data), size));
  auto r = aq::open_model(folder.index);
  if (!r.ok()) {
    if (r.error().reason.empty()) std::abort();
    return 0;
  }
  const auto model = fs::canonical(folder.model).string() + "/";
  for (const auto& f : r.value()->files()) {
    std::error_code ec;
    if (fs::weakly_canonical(f, ec).string().rfind(model, 0) != 0) {
      std::fprintf(stderr, "data file outside the folder accepted: %s\n", f.c_str());
      std::abort();
    }
  }
  std::vector<std::byte> scratch;
  unsigned sum = 0;
  for (std::size_t i = 0; i < r.value()->tensors().size(); ++i) {
    const auto& t = r.value()->tensors()[i];
    std::error_code ec;
    if (t.offset + t.nbytes > fs::file_size(r.value()->files()[t.file_index], ec)) std::abort();
    auto p = r.value()->read_rows(i, 0, t.rows(), scratch);
    if (!p.ok()) std::abort();
    for (uint64_t k = 0; k < t.nbytes; ++k) sum += unsigned((*p)[k]);
  }
  volatile unsigned sink = sum;
  (void)sink;
  return 0;
}
