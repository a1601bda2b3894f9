#include "fuzz_support.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <typeinfo>

namespace aqfuzz {
namespace {

namespace fs = std::filesystem;

std::optional<double> env_number(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v, &end);
  if (end == v) return std::nullopt;
  return d;
}

std::optional<uint64_t> env_u64(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 0);
  if (end == v) return std::nullopt;
  return uint64_t(n);
}

void copy_input(const fs::path& from, const fs::path& to_dir) {
  std::error_code ec;
  const auto st = fs::symlink_status(from, ec);
  if (ec) return;
  const fs::path to = to_dir / from.filename();
  if (fs::is_directory(st))
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  else if (fs::is_symlink(st))
    fs::copy_symlink(from, to, ec);
  else if (fs::is_regular_file(st) && fs::file_size(from, ec) <= (64u << 20))
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
}

}  // namespace

uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

FuzzConfig fuzz_config(uint64_t default_iterations) {
  FuzzConfig c;
  const auto iters = env_u64("AQ_FUZZ_ITERATIONS");
  const auto secs = env_number("AQ_FUZZ_SECONDS");
  if (secs && *secs > 0) {
    c.seconds = *secs;
    c.iterations = iters.value_or(0);
  } else {
    c.iterations = iters.value_or(default_iterations);
  }
  if (c.iterations == 0 && c.seconds <= 0) c.iterations = default_iterations;
  c.seed = env_u64("AQ_FUZZ_SEED").value_or(20240521);
  c.first = env_u64("AQ_FUZZ_FIRST").value_or(0);
  c.case_seconds = env_number("AQ_FUZZ_CASE_SECONDS").value_or(1.0);
  if (const char* a = std::getenv("AQ_FUZZ_ARTIFACTS"); a && *a)
    c.artifacts = a;
  else
    c.artifacts = fs::temp_directory_path() / "aq-fuzz-artifacts";
  return c;
}

FuzzLoop::FuzzLoop(std::string name, uint64_t default_iterations)
    : name_(std::move(name)), cfg_(fuzz_config(default_iterations)) {
  thread_ = std::thread([this] { watchdog(); });
}

std::unique_ptr<FuzzLoop> FuzzLoop::replay(std::string name, uint64_t count) {
  auto loop = std::make_unique<FuzzLoop>(std::move(name), count);
  loop->cfg_.iterations = count;
  loop->cfg_.seconds = 0;
  loop->cfg_.first = 0;
  return loop;
}

std::vector<fs::path> corpus_entries(const std::string& sub) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(AQ_FUZZ_CORPUS) / sub, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string()[0] != '.' && it->path().filename() != "README.md") out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

FuzzLoop::~FuzzLoop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void FuzzLoop::watchdog() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto hang = std::chrono::duration<double>(10 * cfg_.case_seconds);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    if (stop_ || !in_case_) continue;
    if (std::chrono::steady_clock::now() - case_start_ < hang) continue;
    // A hang: nothing can interrupt the core call, so save the input and stop the process.
    const fs::path dir = cfg_.artifacts / (name_ + "-hang-seed" + std::to_string(cfg_.seed) + "-iter" +
                                           std::to_string(iteration_));
    std::error_code ec;
    fs::create_directories(dir, ec);
    for (const auto& f : input_) copy_input(f, dir);
    std::ofstream(dir / "DESCRIPTION.txt") << "hang (> " << 10 * cfg_.case_seconds << " s) in loop " << name_
                                           << ", iteration " << iteration_ << ", seed " << cfg_.seed << "\n"
                                           << description_ << "\n";
    std::fprintf(stderr,
                 "\n[ fuzz-HANG ] loop=%s iteration=%" PRIu64 " seed=%" PRIu64
                 ": one case ran for more than %.1f s\n  %s\n  input saved to %s\n"
                 "  replay: AQ_FUZZ_SEED=%" PRIu64 " AQ_FUZZ_FIRST=%" PRIu64 " AQ_FUZZ_ITERATIONS=1\n",
                 name_.c_str(), iteration_, cfg_.seed, 10 * cfg_.case_seconds, description_.c_str(),
                 dir.c_str(), cfg_.seed, iteration_);
    std::printf("[ fuzz-summary ] loop=%s iterations=%" PRIu64 " seconds=? findings=%" PRIu64 " seed=%" PRIu64
                " hang=1\n",
                name_.c_str(), iteration_ - cfg_.first, findings_ + 1, cfg_.seed);
    std::fflush(stdout);
    std::fflush(stderr);
    std::abort();
  }
}

void FuzzLoop::set_input(std::vector<fs::path> files, std::string description) {
  std::lock_guard<std::mutex> lock(mu_);
  input_ = std::move(files);
  description_ = std::move(description);
}

fs::path FuzzLoop::finding(const std::string& what) {
  ++findings_;
  fs::path dir;
  std::string desc;
  {
    std::lock_guard<std::mutex> lock(mu_);
    desc = description_;
    if (saved_ < 20) {  // enough to act on; a systematic bug would otherwise fill the disk
      ++saved_;
      dir = cfg_.artifacts / (name_ + "-seed" + std::to_string(cfg_.seed) + "-iter" + std::to_string(iteration_));
      std::error_code ec;
      fs::create_directories(dir, ec);
      for (const auto& f : input_) copy_input(f, dir);
      std::ofstream(dir / "DESCRIPTION.txt") << what << "\n" << description_ << "\n";
    }
  }
  std::ostringstream msg;
  msg << "[ fuzz-FINDING ] loop=" << name_ << " iteration=" << iteration_ << " seed=" << cfg_.seed << ": " << what;
  if (!desc.empty()) msg << "\n  case: " << desc;
  if (!dir.empty()) msg << "\n  input saved to " << dir.string();
  msg << "\n  replay: AQ_FUZZ_SEED=" << cfg_.seed << " AQ_FUZZ_FIRST=" << iteration_ << " AQ_FUZZ_ITERATIONS=1";
  if (findings_ <= 30) ADD_FAILURE() << msg.str();
  else if (findings_ == 31) ADD_FAILURE() << "[ fuzz ] loop " << name_ << ": more findings, no longer printed";
  return dir;
}

void FuzzLoop::run(const std::function<void(uint64_t, Rng&)>& one) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  uint64_t done = 0;
  double slowest = 0;
  for (uint64_t i = cfg_.first;; ++i) {
    if ((cfg_.iterations || cfg_.seconds <= 0) && done >= cfg_.iterations) break;
    if (cfg_.seconds > 0 && elapsed() >= cfg_.seconds) break;
    Rng rng(cfg_.seed ^ mix64(i));
    {
      std::lock_guard<std::mutex> lock(mu_);
      iteration_ = i;
      input_.clear();
      description_.clear();
      in_case_ = true;
      case_start_ = std::chrono::steady_clock::now();
    }
    try {
      one(i, rng);
    } catch (const std::exception& e) {
      finding(std::string("exception escaped: ") + typeid(e).name() + ": " + e.what());
    } catch (...) {
      finding("unknown exception escaped");
    }
    double took = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      in_case_ = false;
      took = std::chrono::duration<double>(std::chrono::steady_clock::now() - case_start_).count();
    }
    slowest = std::max(slowest, took);
    if (took > cfg_.case_seconds)
      finding("one case took " + std::to_string(took) + " s (limit " + std::to_string(cfg_.case_seconds) + " s)");
    ++done;
    if (::testing::Test::HasFatalFailure()) break;
  }
  std::ostringstream line;
  line << "[ fuzz-summary ] loop=" << name_ << " iterations=" << done << " seconds=" << elapsed()
       << " findings=" << findings_ << " seed=" << cfg_.seed << " slowest_case_s=" << slowest;
  for (const auto& [k, v] : counts_) line << " " << k << "=" << v;
  std::cout << line.str() << std::endl;
}

unsigned touch(const void* p, uint64_t n) {
  const volatile unsigned char* b = static_cast<const volatile unsigned char*>(p);
  unsigned sum = 0;
  for (uint64_t k = 0; k < n; ++k) sum += b[k];
  return sum;
}

std::vector<uint8_t> safetensors_file(uint64_t header_len, const std::string& header,
                                      const std::vector<const std::vector<uint8_t>*>& data) {
  std::size_t total = 8 + header.size();
  for (const auto* d : data) total += d->size();
  std::vector<uint8_t> out;
  out.reserve(total);  // element by element: GCC 12 warns falsely on insert() into a small vector
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(header_len >> (8 * i)));
  for (char c : header) out.push_back(uint8_t(c));
  for (const auto* d : data)
    for (uint8_t b : *d) out.push_back(b);
  return out;
}

std::vector<uint8_t> slurp(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

void spit(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void spit(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(text.data(), std::streamsize(text.size()));
}

// ---- JSON text ---------------------------------------------------------------------------------

std::string json_quote(const std::string& s, bool escape) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20 && escape) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

std::string JNode::dump() const {
  switch (kind) {
    case Null: return "null";
    case Bool: return b ? "true" : "false";
    case Int: return std::to_string(i);
    case UInt: return std::to_string(u);
    case Float: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", f);
      std::string t = buf;
      if (t.find_first_of(".eEn") == std::string::npos) t += ".0";  // nan/inf stay as they are
      return t;
    }
    case Str: return json_quote(s, escape);
    case Raw: return s;
    case Arr: {
      std::string out = "[";
      for (std::size_t k = 0; k < items.size(); ++k) {  // piecewise: GCC 12 warns falsely on "," + string
        if (k) out += ',';
        out += items[k].dump();
      }
      return out + "]";
    }
    case Obj: {
      std::string out = "{";
      for (std::size_t k = 0; k < members.size(); ++k) {
        if (k) out += ',';
        out += json_quote(members[k].first);
        out += ':';
        out += members[k].second.dump();
      }
      return out + "}";
    }
  }
  return "null";
}

int64_t edge_int(Rng& rng) {
  static const int64_t kEdges[] = {0, 1, -1, 2, 3, 7, 8, 9, 63, 64, 65, 255, 256, 1023, 1024,
                                   INT32_MAX, int64_t(INT32_MAX) + 1, -int64_t(INT32_MAX) - 2,
                                   int64_t(1) << 32, int64_t(1) << 40, int64_t(1) << 61,
                                   int64_t(1) << 62, (int64_t(1) << 62) + 1, INT64_MAX, INT64_MAX - 1,
                                   INT64_MIN, INT64_MIN + 1, INT64_MAX / 3, INT64_MAX / 2 + 1};
  if (rng.chance(0.7)) return rng.pick(kEdges);
  return int64_t(rng.next() >> rng.below(64)) * (rng.chance(0.2) ? -1 : 1);
}

std::string random_name(Rng& rng) {
  static const char* const kPlain[] = {"weight", "blocks.0.attn.qkv.weight", "a", "b", "x.bias", "__metadata__",
                                       "w.aq_codes", "w.aq_scales", "w.aq_zeros", ".aq_codes", "format", "",
                                       "model.safetensors", "../up", "/abs", "name with spaces"};
  switch (rng.below(8)) {
    case 0: case 1: case 2: return rng.pick(kPlain);
    case 3: {  // long
      std::string s(std::size_t(1 + rng.below(rng.chance(0.2) ? 70000 : 300)), 'n');
      for (auto& c : s) c = char('a' + rng.below(26));
      return s;
    }
    case 4: {  // control characters (escaped in JSON: valid)
      std::string s = "t";
      for (int k = 0, n = int(1 + rng.below(6)); k < n; ++k) s += char(rng.below(0x20));
      return s + "x";
    }
    case 5: {  // non-UTF-8 bytes (invalid JSON: must be refused)
      std::string s = "n";
      for (int k = 0, n = int(1 + rng.below(4)); k < n; ++k) s += char(0x80 + rng.below(0x80));
      return s;
    }
    case 6: return "\xe2\x82\xac\xf0\x9f\x98\x80 utf8";  // valid multi-byte UTF-8
    default: {
      std::string s = "t";
      s += std::to_string(rng.below(6));
      return s;
    }
  }
}

JNode random_scalar(Rng& rng) {
  switch (rng.below(9)) {
    case 0: return JNode::null();
    case 1: return JNode::boolean(rng.chance(0.5));
    case 2: case 3: return JNode::integer(edge_int(rng));
    case 4: return JNode::uinteger(rng.chance(0.5) ? UINT64_MAX : (uint64_t(1) << 63) + rng.below(4));
    case 5: {
      static const double kF[] = {0.0, -0.0, 0.5, 1.5, 4.0, 1e300, -1e300, 3.0e19, 1e-320};
      return JNode::number(rng.pick(kF));
    }
    case 6: return JNode::raw(rng.chance(0.5) ? "1e400" : "123456789012345678901234567890");
    case 7: return JNode::str(random_name(rng));
    default: return JNode::str(std::to_string(edge_int(rng)));
  }
}

JNode random_json(Rng& rng, int depth) {
  if (depth <= 0 || rng.chance(0.4)) return random_scalar(rng);
  if (rng.chance(0.5)) {
    JNode a = JNode::array();
    for (int k = 0, n = int(rng.below(5)); k < n; ++k) a.items.push_back(random_json(rng, depth - 1));
    return a;
  }
  JNode o = JNode::object();
  for (int k = 0, n = int(rng.below(5)); k < n; ++k) o.add(random_name(rng), random_json(rng, depth - 1));
  return o;
}

JNode deep_nesting(Rng& rng) {
  static const std::size_t kDepths[] = {100, 1000, 10000, 100000};
  const std::size_t depth = rng.pick(kDepths);
  std::string s;
  if (rng.chance(0.5)) {
    s.assign(depth, '[');
    s += rng.chance(0.5) ? "1" : "";
    if (rng.chance(0.9)) s.append(depth, ']');  // or unterminated
  } else {
    s.reserve(depth * 6);
    for (std::size_t k = 0; k < depth; ++k) s += "{\"a\":";
    s += "0";
    if (rng.chance(0.9)) s.append(depth, '}');
  }
  return JNode::raw(std::move(s));
}

// ---- byte mutations (from the first fuzz test, tests/io/fuzz_test.cpp) --------------------------

std::vector<uint8_t> mutate_bytes(std::vector<uint8_t> f, Rng& rng) {
  if (f.size() < 9) f.resize(9, 0);
  auto pick = [&](std::size_t n) { return std::size_t(rng.below(std::max<std::size_t>(n, 1))); };
  // Where the header ends by its (maybe already corrupted) length, kept inside the buffer.
  uint64_t len = 0;
  for (int i = 7; i >= 0; --i) len = (len << 8) | f[std::size_t(i)];
  const std::size_t header_end = std::size_t(std::max<uint64_t>(9, std::min<uint64_t>(f.size(), 8 + std::min<uint64_t>(len, f.size()))));
  static const char kJsonChars[] = "{}[]\":,-0123456789eE.tfn \\";
  switch (rng.below(10)) {
    case 0:  // flip random bits anywhere
      for (int k = 0, n = 1 + int(pick(4)); k < n; ++k) f[pick(f.size())] ^= uint8_t(1 + pick(255));
      break;
    case 1:  // truncate
      f.resize(pick(f.size() + 1));
      break;
    case 2: {  // new header length: near the old one, or anything
      const uint64_t l = rng.chance(0.5) ? header_end - 8 + pick(33) - 16 : rng.next() >> pick(64);
      for (int i = 0; i < 8; ++i) f[std::size_t(i)] = uint8_t(l >> (8 * i));
      break;
    }
    case 3:
    case 4:  // JSON-significant characters inside the header
      for (int k = 0, n = 1 + int(pick(3)); k < n; ++k)
        f[8 + pick(header_end - 8)] = uint8_t(kJsonChars[pick(sizeof(kJsonChars) - 1)]);
      break;
    case 5:  // a digit changed: shapes and offsets
      for (std::size_t i = 8 + pick(header_end - 8); i < header_end; ++i)
        if (f[i] >= '0' && f[i] <= '9') {
          f[i] = uint8_t('0' + pick(10));
          break;
        }
      break;
    case 6:  // bytes inserted or removed inside the header
      if (rng.chance(0.5))
        f.insert(f.begin() + long(8 + pick(header_end - 8)), uint8_t(pick(256)));
      else
        f.erase(f.begin() + long(8 + pick(header_end - 8)));
      break;
    case 7: {  // a number in the header replaced by an edge value
      std::vector<std::size_t> starts;
      for (std::size_t i = 8; i < header_end; ++i)
        if (f[i] >= '0' && f[i] <= '9' && !(f[i - 1] >= '0' && f[i - 1] <= '9')) starts.push_back(i);
      if (starts.empty()) break;
      const std::size_t s = rng.pick(starts);
      std::size_t e = s;
      while (e < header_end && f[e] >= '0' && f[e] <= '9') ++e;
      const std::string v = std::to_string(edge_int(rng));
      f.erase(f.begin() + long(s), f.begin() + long(e));
      f.insert(f.begin() + long(s), v.begin(), v.end());
      break;
    }
    case 8: {  // a header span duplicated (duplicate keys, repeated entries)
      const std::size_t a = 8 + pick(header_end - 8), n = pick(std::min<std::size_t>(64, header_end - a));
      std::vector<uint8_t> span(f.begin() + long(a), f.begin() + long(a + n));
      f.insert(f.begin() + long(8 + pick(header_end - 8)), span.begin(), span.end());
      break;
    }
    default:  // data section grown or shrunk
      f.resize(header_end + pick(f.size() + 16 - header_end));
      break;
  }
  return f;
}

}  // namespace aqfuzz
