#pragma once
// Shared machinery of the fuzz loops in tests/fuzz: bounded, seeded, self-reporting loops.
//
// Environment (all optional):
//   AQ_FUZZ_ITERATIONS    iterations of every loop (default: each loop's own, sized so that all the
//                         loops together take well under a minute in a Release build)
//   AQ_FUZZ_SECONDS       run every loop for this many seconds instead (with AQ_FUZZ_ITERATIONS as
//                         well: whichever comes first)
//   AQ_FUZZ_SEED          base seed (default 20240521); iteration i of a loop uses seed ^ mix(i)
//   AQ_FUZZ_FIRST         first iteration index (to replay one failing iteration: AQ_FUZZ_FIRST=i
//                         AQ_FUZZ_ITERATIONS=1)
//   AQ_FUZZ_CASE_SECONDS  a case slower than this is a finding (default 1; scripts/fuzz.sh raises it
//                         under the sanitizers). A case 10x slower is a hang: the input is saved
//                         and the process aborts.
//   AQ_FUZZ_ARTIFACTS     where inputs of findings are saved (default: $TMPDIR/aq-fuzz-artifacts)
//
// Every loop ends with one line that scripts/fuzz.sh collects:
//   [ fuzz-summary ] loop=NAME iterations=N seconds=S findings=F seed=SEED ...
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace aqfuzz {

struct FuzzConfig {
  uint64_t iterations = 0;   // 0: unbounded (only with seconds > 0)
  double seconds = 0;        // 0: no time bound
  uint64_t seed = 20240521;
  uint64_t first = 0;
  double case_seconds = 1.0;
  std::filesystem::path artifacts;
};

/// The configuration for a loop whose default iteration count is `default_iterations`.
FuzzConfig fuzz_config(uint64_t default_iterations);

uint64_t mix64(uint64_t x);

/// A random source with the helpers the generators need.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t next() { return g_(); }
  /// Uniform in [0, n) (0 when n == 0).
  uint64_t below(uint64_t n) { return n ? g_() % n : 0; }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(g_) < p; }
  template <class C>
  const auto& pick(const C& c) { return c[below(std::size(c))]; }
  std::mt19937_64& engine() { return g_; }

 private:
  std::mt19937_64 g_;
};

/// Runs one fuzz loop: iterations, timing, a watchdog for hangs, findings with saved inputs, and
/// the summary line.
class FuzzLoop {
 public:
  FuzzLoop(std::string name, uint64_t default_iterations);
  /// A replay of `count` fixed cases (the corpus): the environment's bounds do not apply.
  static std::unique_ptr<FuzzLoop> replay(std::string name, uint64_t count);
  ~FuzzLoop();
  FuzzLoop(const FuzzLoop&) = delete;
  FuzzLoop& operator=(const FuzzLoop&) = delete;

  const FuzzConfig& config() const { return cfg_; }

  /// Calls `one(iteration, rng)` until the iteration or time bound. `one` runs one case; it reports
  /// problems with finding(). Exceptions escaping `one` are findings too.
  void run(const std::function<void(uint64_t, Rng&)>& one);

  /// Names the files that make up the current case's input (saved with a finding or a hang).
  void set_input(std::vector<std::filesystem::path> files, std::string description = {});
  /// Records a finding: saves the current input under the artifacts folder, prints where, and
  /// fails the test. Returns the folder the input was saved to.
  std::filesystem::path finding(const std::string& what);

  /// Counters printed in the summary ("opened=12 refused=88").
  void count(const std::string& key, uint64_t n = 1) { counts_[key] += n; }
  uint64_t findings() const { return findings_; }
  /// The current iteration.
  uint64_t iteration() const { return iteration_; }

 private:
  void watchdog();

  std::string name_;
  FuzzConfig cfg_;
  std::map<std::string, uint64_t> counts_;
  uint64_t findings_ = 0, iteration_ = 0, saved_ = 0;
  std::vector<std::filesystem::path> input_;
  std::string description_;

  // Watchdog state.
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool in_case_ = false;
  std::chrono::steady_clock::time_point case_start_;
  std::thread thread_;
};

/// Files under tests/fuzz/corpus/<sub> (sorted; entries of that folder, files or folders).
std::vector<std::filesystem::path> corpus_entries(const std::string& sub);

/// Reads every byte of [p, p + n) so that an out-of-bounds range is seen by ASan or a segfault.
unsigned touch(const void* p, uint64_t n);

/// A safetensors file's bytes: 8-byte little-endian `header_len`, `header`, then the data pieces.
std::vector<uint8_t> safetensors_file(uint64_t header_len, const std::string& header,
                                      const std::vector<const std::vector<uint8_t>*>& data = {});

/// Bytes of a file, and writing bytes to a file.
std::vector<uint8_t> slurp(const std::filesystem::path& path);
void spit(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);
void spit(const std::filesystem::path& path, const std::string& text);

/// A JSON text generator that can write what nlohmann::json cannot hold: duplicate keys, raw
/// control characters, invalid UTF-8, deep nesting, numbers out of any integer's range.
struct JNode {
  enum Kind { Null, Bool, Int, UInt, Float, Str, Arr, Obj, Raw } kind = Null;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  std::string s;                                   // Str: raw bytes; Raw: emitted verbatim
  bool escape = true;                              // Str: escape control characters
  std::vector<JNode> items;                        // Arr
  std::vector<std::pair<std::string, JNode>> members;  // Obj (keys may repeat)

  static JNode null() { return {}; }
  static JNode boolean(bool v) { JNode n; n.kind = Bool; n.b = v; return n; }
  static JNode integer(int64_t v) { JNode n; n.kind = Int; n.i = v; return n; }
  static JNode uinteger(uint64_t v) { JNode n; n.kind = UInt; n.u = v; return n; }
  static JNode number(double v) { JNode n; n.kind = Float; n.f = v; return n; }
  static JNode str(std::string v, bool escape = true) { JNode n; n.kind = Str; n.s = std::move(v); n.escape = escape; return n; }
  static JNode raw(std::string v) { JNode n; n.kind = Raw; n.s = std::move(v); return n; }
  static JNode array(std::vector<JNode> v = {}) { JNode n; n.kind = Arr; n.items = std::move(v); return n; }
  static JNode object() { JNode n; n.kind = Obj; return n; }
  JNode& add(std::string key, JNode v) { members.emplace_back(std::move(key), std::move(v)); return *this; }

  std::string dump() const;
};
/// A JSON string literal for `s` (escaping control characters when `escape`).
std::string json_quote(const std::string& s, bool escape = true);

/// Random pieces for the generators.
std::string random_name(Rng& rng);                 // plain, empty, long, control chars, non-UTF-8
JNode random_scalar(Rng& rng);                     // any JSON scalar, edge-case numbers included
JNode random_json(Rng& rng, int depth = 3);        // a random tree
JNode deep_nesting(Rng& rng);                      // [[[[...]]]] or {"a":{"a":...}}, up to 100k deep
int64_t edge_int(Rng& rng);                        // 0, 1, -1, 2^31, 2^62, INT64_MAX, ...

/// Byte mutations of a whole file (bit flips, truncation, header length, JSON characters, ...),
/// most of them aimed at the safetensors header.
std::vector<uint8_t> mutate_bytes(std::vector<uint8_t> f, Rng& rng);

}  // namespace aqfuzz
