// Fuzz loop (c): sharded models, *.safetensors.index.json with their shards. Generated weight_map
// entries point at real shards, wrong shards, missing files, absolute paths, '..' paths, symlinks
// (to files and folders) leading out of the folder, the same tensor in two shards; values of the
// wrong type, duplicate keys, deep nesting, huge and corrupted files.
// Oracle: as for safetensors (a source whose every byte is readable, or an Error with a reason
// naming a file inside the folder), and no file outside the model's folder is ever opened: inotify
// watches a folder next to it holding a valid shard that symlinks and paths aim at, and an
// accepted model must not have a data file that resolves outside its folder.
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "fuzz_oracles.h"
#include "fuzz_support.h"
#include "test_support.h"

namespace {

using namespace aqfuzz;
namespace fs = std::filesystem;

class OutsideWatch {
 public:
  explicit OutsideWatch(const std::vector<fs::path>& paths) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    for (const auto& p : paths) inotify_add_watch(fd_, p.c_str(), IN_OPEN | IN_ACCESS);
  }
  ~OutsideWatch() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  /// Events since the last call: "name (open)" for each.
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    alignas(struct inotify_event) char buf[8192];
    for (;;) {
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (char* p = buf; p < buf + n;) {
        auto* ev = reinterpret_cast<struct inotify_event*>(p);
        out.push_back(std::string(ev->len ? ev->name : "(the watched file)") + ((ev->mask & IN_OPEN) ? " opened" : " read"));
        p += sizeof(struct inotify_event) + ev->len;
      }
    }
    return out;
  }

 private:
  int fd_ = -1;
};

std::vector<uint8_t> shard_bytes(const std::vector<std::string>& names, Rng& rng) {
  using namespace aqtest;
  std::vector<FixtureTensor> t;
  for (const auto& n : names) {
    const int64_t rows = int64_t(1 + rng.below(4)), cols = int64_t(1 + rng.below(6));
    const auto v = gaussian(std::size_t(rows * cols), rng.next());
    t.push_back(rng.chance(0.5) ? FixtureTensor{n, "F16", {rows, cols}, f16_bytes(v)}
                                : FixtureTensor{n, "F32", {rows, cols}, f32_bytes(v)});
  }
  const std::string header = safetensors_header(t);
  std::vector<const std::vector<uint8_t>*> data;
  for (const auto& x : t) data.push_back(&x.bytes);
  auto out = safetensors_file(header.size(), header, data);
  return out;
}

// A shard whose one tensor is `mb` MB of zeros, written as a sparse file.
void write_big_shard(const fs::path& path, const std::string& name, int mb) {
  const int64_t rows = 1024 * mb, cols = 256;  // F32: 1 KiB a row
  const std::string header = "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + std::to_string(rows) + "," +
                             std::to_string(cols) + "],\"data_offsets\":[0," + std::to_string(rows * cols * 4) + "]}}";
  const auto out = safetensors_file(header.size(), header);
  spit(path, out);
  fs::resize_file(path, out.size() + uint64_t(rows * cols * 4));
}

bool inside(const fs::path& root_canonical, const fs::path& p) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(p, ec);
  if (ec) return false;
  const std::string r = root_canonical.string() + "/", s = c.string();
  return s.rfind(r, 0) == 0;
}

// Opens `open_path` (an index or the folder `model`) with the oracles of (a), and checks that
// nothing outside `model` was opened and no data file resolves outside it.
void open_index_and_check(FuzzLoop& loop, OutsideWatch& watch, const fs::path& model, const fs::path& open_path,
                          const std::string& what) {
  std::error_code ec;
  watch.drain();
  auto r = aq::open_model(open_path);
  for (const auto& ev : watch.drain()) loop.finding("a file outside the model's folder was " + ev + " (" + what + ")");
  if (!r.ok()) {
    loop.count("refused");
    check_error(loop, r.error(), model);
    return;
  }
  loop.count("opened");
  const fs::path root_c = fs::canonical(model);
  for (const auto& f : r.value()->files())
    if (!inside(root_c, f))
      loop.finding("accepted a data file that resolves outside the model's folder: " + f.string() + " -> " +
                   fs::weakly_canonical(f, ec).string());
  check_source(loop, *r.value());
}

TEST(ShardedIndexFuzz, GeneratedIndexesAndShards) {
  aqtest::TempDir root;
  const fs::path outside = root / "outside", model = root / "model";
  fs::create_directories(outside / "deeper");
  // A valid shard outside the folder: opening it through the index would succeed if allowed.
  Rng setup(1);
  spit(outside / "secret.safetensors", shard_bytes({"secret", "w0"}, setup));
  spit(outside / "deeper" / "secret.safetensors", shard_bytes({"secret2"}, setup));
  OutsideWatch watch({outside, outside / "deeper", outside / "secret.safetensors", outside / "deeper" / "secret.safetensors"});
  ASSERT_TRUE(watch.ok()) << "inotify: " << std::strerror(errno);
  const std::string secret_abs = (outside / "secret.safetensors").string();

  FuzzLoop loop("sharded-index", 2000);
  loop.run([&](uint64_t, Rng& rng) {
    std::error_code ec;
    fs::remove_all(model, ec);
    fs::create_directories(model);
    std::string what;
    const std::vector<std::string> pool = {"w0", "w1", "w2", "w3", "w4", "w5", "secret"};

    // Shards.
    const int n_shards = int(rng.below(5));
    std::vector<std::string> shard_names;
    std::map<std::string, std::vector<std::string>> contents;  // shard -> tensors
    for (int k = 0; k < n_shards; ++k) {
      std::string name = "model-0000" + std::to_string(k + 1) + "-of-0000" + std::to_string(n_shards) + ".safetensors";
      if (rng.chance(0.1)) {
        name = "sub/" + name;
        fs::create_directories(model / "sub", ec);
      }
      std::vector<std::string> names;
      for (int j = 0, m = int(1 + rng.below(3)); j < m; ++j) {
        std::string t = rng.chance(0.85) ? "w" + std::to_string(k) + "_" + std::to_string(j) : rng.pick(pool);
        if (std::find(names.begin(), names.end(), t) == names.end()) names.push_back(t);
      }
      auto bytes = shard_bytes(names, rng);
      if (rng.chance(0.08)) {
        what += " corrupt-shard";
        bytes = mutate_bytes(std::move(bytes), rng);
      }
      if (rng.chance(0.02)) {
        what += " big-shard";
        write_big_shard(model / name, names[0], 1 + int(rng.below(32)));
        names.resize(1);
      } else {
        spit(model / name, bytes);
      }
      shard_names.push_back(name);
      contents[name] = names;
    }

    // Symlinks.
    std::vector<std::string> links;
    if (rng.chance(0.25)) {
      what += " link-file-outside";
      fs::create_symlink(rng.chance(0.5) ? fs::path("../outside/secret.safetensors") : fs::path(secret_abs),
                         model / "link.safetensors", ec);
      links.push_back("link.safetensors");
    }
    if (rng.chance(0.1)) {
      what += " link-dir-outside";
      fs::create_directory_symlink(rng.chance(0.5) ? fs::path("../outside") : outside, model / "ext", ec);
      links.push_back("ext/secret.safetensors");
      links.push_back("ext/deeper/secret.safetensors");
    }
    if (rng.chance(0.05)) {
      what += " link-chain-outside";
      fs::create_symlink("hop2.safetensors", model / "hop1.safetensors", ec);
      fs::create_symlink("../outside/secret.safetensors", model / "hop2.safetensors", ec);
      links.push_back("hop1.safetensors");
    }
    if (!shard_names.empty() && rng.chance(0.1)) {
      what += " link-inside";
      fs::create_symlink(fs::path(shard_names[0]).filename(), model / "alias.safetensors", ec);
      links.push_back("alias.safetensors");
    }

    // The index.
    JNode wm = JNode::object();
    for (const auto& [shard, names] : contents)
      for (const auto& t : names)
        if (rng.chance(0.93)) wm.add(t, JNode::str(shard));
    for (int k = 0, extra = int(rng.below(4)); k < extra; ++k) {
      const std::string tensor = rng.chance(0.7) ? rng.pick(pool) : random_name(rng);
      JNode v;
      switch (rng.below(12)) {
        case 0: v = JNode::str(secret_abs); what += " abs-path"; break;
        case 1: v = JNode::str("../outside/secret.safetensors"); what += " dotdot"; break;
        case 2: v = JNode::str("sub/../../outside/secret.safetensors"); what += " sub-dotdot"; break;
        case 3:
          if (!links.empty()) { v = JNode::str(rng.pick(links)); what += " via-link"; break; }
          [[fallthrough]];
        case 4: v = JNode::str("missing.safetensors"); what += " missing-shard"; break;
        case 5: {
          static const char* const kOdd[] = {"", ".", "..", "/", "./", "sub/", "a\\b.safetensors", "//x", "~/x.safetensors",
                                             "model.safetensors.index.json"};
          v = JNode::str(rng.pick(kOdd));
          what += " odd-shard-name";
          break;
        }
        case 6: v = JNode::str(std::string("x\0y", 3)); what += " nul-in-name"; break;
        case 7: v = random_scalar(rng); if (v.kind == JNode::Str) v = JNode::integer(1); what += " non-string"; break;
        case 8: v = deep_nesting(rng); what += " deep-value"; break;
        case 9: v = random_json(rng, 2); what += " random-value"; break;
        default:
          if (!shard_names.empty()) { v = JNode::str(rng.pick(shard_names)); what += " wrong-shard"; }
          else { v = JNode::str("./" + std::string("x.safetensors")); what += " dot-slash"; }
          break;
      }
      wm.add(tensor, v);
    }
    if (!wm.members.empty() && rng.chance(0.05)) {
      what += " duplicate-key";
      wm.members.push_back(wm.members[rng.below(wm.members.size())]);
    }
    JNode index = JNode::object();
    JNode meta = JNode::object();
    meta.add("total_size", rng.chance(0.8) ? JNode::integer(int64_t(rng.below(100000))) : random_scalar(rng));
    if (rng.chance(0.1)) { what += " deep-metadata"; meta.add("x", deep_nesting(rng)); }
    index.add("metadata", meta);
    switch (rng.below(20)) {
      case 0: what += " no-weight_map"; break;
      case 1: what += " weight_map-not-object"; index.add("weight_map", random_json(rng, 2)); break;
      case 2: what += " weight_map-empty"; index.add("weight_map", JNode::object()); break;
      case 3: what += " two-weight_maps"; index.add("weight_map", wm); index.add("weight_map", JNode::object()); break;
      default: index.add("weight_map", wm); break;
    }
    if (rng.chance(0.05)) { what += " extra-keys"; index.add(random_name(rng), random_json(rng, 3)); }
    std::string text = rng.chance(0.02) ? random_json(rng, 3).dump() : index.dump();
    if (rng.chance(0.05)) {
      what += " index-bytes-mutated";
      std::vector<uint8_t> t(text.begin(), text.end());
      for (int m = 0; m < 3 && !t.empty(); ++m) t[rng.below(t.size())] = uint8_t(rng.next());
      text.assign(t.begin(), t.end());
    }
    static const char* const kIndexNames[] = {"model.safetensors.index.json", "model.safetensors.index.json",
                                              "diffusion_pytorch_model.safetensors.index.json",
                                              "model.safetensors.index.fp16.json"};
    const fs::path index_path = model / rng.pick(kIndexNames);
    spit(index_path, text);
    if (rng.chance(0.01)) {
      what += " huge-index";
      fs::resize_file(index_path, 100'000'001 + rng.below(1000));
    }
    const bool by_folder = rng.chance(0.2);
    const fs::path open_path = by_folder ? model : index_path;
    what = std::to_string(n_shards) + " shards," + what + (by_folder ? " (opened as a folder)" : "");
    loop.set_input({model}, what);

    open_index_and_check(loop, watch, model, open_path, what);
  });
}

// Reproducers of past findings (tests/fuzz/corpus/index/CASE/{model,outside}): CASE/model holds
// the index (opened) or is opened as a folder; CASE/outside is what must never be opened.
TEST(ShardedIndexFuzz, CorpusReplay) {
  const auto cases = corpus_entries("index");
  auto loop = FuzzLoop::replay("index-corpus", cases.size());
  loop->run([&](uint64_t i, Rng&) {
    const fs::path model = cases[i] / "model", outside = cases[i] / "outside";
    std::vector<fs::path> watched;
    std::error_code ec;
    if (fs::is_directory(outside))
      for (fs::recursive_directory_iterator it(outside, ec), end; !ec && it != end; it.increment(ec)) watched.push_back(it->path());
    watched.push_back(outside);
    OutsideWatch watch(watched);
    fs::path open_path = model;
    for (fs::directory_iterator it(model, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().filename().string().find(".index.") != std::string::npos) open_path = it->path();
    loop->set_input({cases[i]}, cases[i].filename().string());
    open_index_and_check(*loop, watch, model, open_path, cases[i].filename().string());
  });
}

}  // namespace
