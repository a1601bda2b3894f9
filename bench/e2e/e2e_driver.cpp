// End-to-end and memory benchmark: every measurement is its own arrowquant-cli process, so each
// peak resident figure belongs to one run alone (VmHWM never goes down inside a process).
//
//   aq_bench_e2e --cli PATH --work DIR --out e2e.json --model NAME=FILE [--model ...]
//                [--memory-reps N] [--scaling-reps N] [--memory-bits 2,4,8] [--no-scaling]
//
// For each model: the file is read once first (page cache warm, timed), then
//   memory:  INT2/INT4/INT8 (g64, asymmetric, the CLI's default method) x streaming/batch, writing
//            the packed file to DIR (deleted after each run), as a user would run it;
//   scaling: INT4 g64 asymmetric streaming, min-max and search, 1 thread and all threads, with
//            --dry-run (the engine's throughput without the disk).
// Peak RSS is read two ways: the CLI's own JSON (VmHWM at the end of the job, plus its RssAnon /
// RssFile timeline) and the kernel's account of the child (wait4 ru_maxrss).
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_io.h"

extern char** environ;

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct ModelArg {
  std::string name;
  fs::path path;
};

struct Options {
  fs::path cli, work, out;
  std::vector<ModelArg> models;
  int memory_reps = 1;
  int scaling_reps = 3;
  std::vector<int> memory_bits{2, 4, 8};
  bool scaling = true;
};

struct ChildResult {
  int exit_code = -1;
  double wall_s = 0;
  struct rusage ru {};
  std::string out, err;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ChildResult run_child(const std::vector<std::string>& args, const fs::path& work) {
  ChildResult r;
  const fs::path out = work / "child.stdout", err = work / "child.stderr";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    r.err = std::string("cannot start ") + args[0] + ": " + std::strerror(rc);
    return r;
  }
  int status = 0;
  while (wait4(pid, &status, 0, &r.ru) < 0 && errno == EINTR) {
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string join(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

/// Reads the file through the page cache once; returns seconds.
double warm(const fs::path& p) {
  const auto t0 = std::chrono::steady_clock::now();
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  std::vector<char> buf(8 << 20);
  while (::read(fd, buf.data(), buf.size()) > 0) {
  }
  ::close(fd);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double tv(const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; }

/// At most n points of the memory timeline, evenly spaced, always keeping the maximum.
json downsample_timeline(const json& memory, std::size_t n) {
  json out = json::array();
  if (!memory.is_array() || memory.empty()) return out;
  const std::size_t size = memory.size();
  std::size_t peak_index = 0;
  for (std::size_t i = 0; i < size; ++i)
    if (memory[i].value("rss", uint64_t(0)) > memory[peak_index].value("rss", uint64_t(0))) peak_index = i;
  const std::size_t step = std::max<std::size_t>(1, (size + n - 1) / n);
  for (std::size_t i = 0; i < size; ++i) {
    if (i % step != 0 && i != peak_index && i != size - 1) continue;
    const json& s = memory[i];
    out.push_back({s.value("t_s", 0.0), s.value("rss", uint64_t(0)), s.value("rss_anon", uint64_t(0)),
                   s.value("rss_file", uint64_t(0))});
  }
  return out;
}

struct RunSpec {
  std::string group;  // "memory" or "scaling"
  const ModelArg* model;
  int bits;
  std::string method;  // "" = CLI default
  std::string mode;
  int threads;  // 0 = all
  bool write_output;
  int rep;
};

json run_one(const Options& o, const RunSpec& s) {
  const fs::path output = o.work / ("out-" + s.model->name + ".safetensors");
  std::vector<std::string> args{o.cli.string(), "quantize", s.model->path.string()};
  if (s.write_output) {
    args.insert(args.end(), {"-o", output.string()});
  } else {
    args.push_back("--dry-run");
  }
  args.insert(args.end(), {"--bits", std::to_string(s.bits), "--mode", s.mode});
  if (!s.method.empty()) args.insert(args.end(), {"--method", s.method});
  if (s.threads > 0) args.insert(args.end(), {"--threads", std::to_string(s.threads)});
  args.insert(args.end(), {"--json", "--no-progress"});

  const ChildResult c = run_child(args, o.work);
  std::error_code ec;
  fs::remove(output, ec);

  json r = {{"group", s.group}, {"model", s.model->name}, {"bits", s.bits}, {"group_size", 64},
            {"mode", s.mode}, {"threads_requested", s.threads}, {"writes_output", s.write_output},
            {"rep", s.rep}, {"command", join(args)}, {"exit_code", c.exit_code},
            {"process_wall_s", c.wall_s}, {"ru_maxrss_bytes", uint64_t(c.ru.ru_maxrss) * 1024},
            {"user_s", tv(c.ru.ru_utime)}, {"sys_s", tv(c.ru.ru_stime)},
            {"major_faults", c.ru.ru_majflt}, {"minor_faults", c.ru.ru_minflt}};
  if (c.exit_code != 0) {
    r["stderr"] = c.err.substr(0, 2000);
    std::cerr << "  FAILED (exit " << c.exit_code << "): " << c.err.substr(0, 500) << "\n";
    return r;
  }
  json j;
  try {
    j = json::parse(c.out);
  } catch (const std::exception& e) {
    r["exit_code"] = -2;
    r["stderr"] = std::string("unparsable JSON: ") + e.what();
    return r;
  }
  const json& t = j["totals"];
  r["method"] = j["settings"]["scheme"].value("method", std::string());
  r["threads"] = j["settings"].value("threads", 0);
  r["kernels"] = j["settings"].value("kernels", std::string());
  for (const char* k : {"params", "quantized_params", "input_bytes", "output_bytes", "output_file_bytes",
                        "peak_rss_bytes", "wall_s", "mb_per_s", "bits_per_weight", "sqnr_db", "cosine",
                        "compression_ratio", "tensors"})
    r[k] = t.contains(k) ? t[k] : json(nullptr);
  const double wall = t.value("wall_s", 0.0);
  r["params_per_s"] = wall > 0 ? double(t.value("params", int64_t(0))) / wall : 0.0;
  uint64_t max_anon = 0, max_file = 0, max_rss = 0;
  for (const auto& m : j["memory"]) {
    max_anon = std::max(max_anon, m.value("rss_anon", uint64_t(0)));
    max_file = std::max(max_file, m.value("rss_file", uint64_t(0)));
    max_rss = std::max(max_rss, m.value("rss", uint64_t(0)));
  }
  r["timeline_max_rss"] = max_rss;
  r["timeline_max_rss_anon"] = max_anon;
  r["timeline_max_rss_file"] = max_file;
  r["timeline_samples"] = j["memory"].size();
  r["timeline"] = downsample_timeline(j["memory"], 160);
  if (s.rep == 0 && s.group == "memory") {  // per-layer figures for the accuracy distributions
    json layers = json::array();
    for (const auto& tj : j["tensors"])
      if (tj.value("decision", std::string()) == "quantize")
        layers.push_back({tj.value("name", std::string()), tj.value("params", int64_t(0)), tj["sqnr_db"], tj["cosine"],
                          tj.value("seconds", 0.0)});
    r["layers"] = layers;
  }
  return r;
}

std::vector<int> parse_ints(const std::string& s) {
  std::vector<int> v;
  std::stringstream in(s);
  for (std::string x; std::getline(in, x, ',');) v.push_back(std::stoi(x));
  return v;
}

int usage() {
  std::cerr << "usage: aq_bench_e2e --cli PATH --work DIR --out FILE --model NAME=FILE [--model ...]\n"
               "                    [--memory-reps N] [--scaling-reps N] [--memory-bits 2,4,8] [--no-scaling]\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--cli") o.cli = next();
    else if (a == "--work") o.work = next();
    else if (a == "--out") o.out = next();
    else if (a == "--memory-reps") o.memory_reps = std::stoi(next());
    else if (a == "--scaling-reps") o.scaling_reps = std::stoi(next());
    else if (a == "--memory-bits") o.memory_bits = parse_ints(next());
    else if (a == "--no-scaling") o.scaling = false;
    else if (a == "--model") {
      const std::string v = next();
      const auto eq = v.find('=');
      if (eq == std::string::npos) return usage();
      o.models.push_back({v.substr(0, eq), v.substr(eq + 1)});
    } else {
      return usage();
    }
  }
  if (o.cli.empty() || o.work.empty() || o.out.empty() || o.models.empty()) return usage();
  std::error_code ec;
  fs::create_directories(o.work, ec);
  const int all_threads = std::max(1, int(std::thread::hardware_concurrency()));

  json doc = {{"cli", o.cli.string()}, {"started", aqb::iso_now()}, {"logical_cores", all_threads},
              {"memory_reps", o.memory_reps}, {"scaling_reps", o.scaling_reps}};
  json models = json::array(), runs = json::array();
  int failures = 0;
  for (const ModelArg& m : o.models) {
    const uint64_t bytes = fs::file_size(m.path, ec);
    const double warm_s = warm(m.path);
    std::cerr << "[e2e] " << m.name << ": " << double(bytes) / 1e9 << " GB, page cache warmed in " << warm_s << " s\n";
    models.push_back({{"name", m.name}, {"path", m.path.string()}, {"file_bytes", bytes}, {"warm_read_s", warm_s},
                      {"warm_read_mb_per_s", warm_s > 0 ? double(bytes) / 1e6 / warm_s : 0.0}});
    std::vector<RunSpec> specs;
    for (int bits : o.memory_bits)
      for (const char* mode : {"streaming", "batch"})
        for (int rep = 0; rep < o.memory_reps; ++rep) specs.push_back({"memory", &m, bits, "", mode, 0, true, rep});
    if (o.scaling)
      for (const char* method : {"minmax", "search"})
        for (int rep = 0; rep < o.scaling_reps; ++rep)
          for (int t : {1, all_threads}) {  // interleaved, so slow drifts hit both thread counts alike
            specs.push_back({"scaling", &m, 4, method, "streaming", t, false, rep});
            if (all_threads == 1) break;
          }
    for (const RunSpec& s : specs) {
      json r = run_one(o, s);
      if (r.value("exit_code", -1) != 0) ++failures;
      std::fprintf(stderr, "[e2e] %-8s %-10s INT%d %-9s %-6s threads %-2d rep %d: %7.2f s  %8.1f MB/s  peak %7.1f MiB\n",
                   s.group.c_str(), m.name.c_str(), s.bits, s.mode.c_str(), r.value("method", std::string("?")).c_str(),
                   r.value("threads", 0), s.rep, r.value("wall_s", 0.0), r.value("mb_per_s", 0.0),
                   double(r.value("ru_maxrss_bytes", uint64_t(0))) / 1048576.0);
      runs.push_back(std::move(r));
      doc["models"] = models;
      doc["runs"] = runs;
      aqb::write_json_file(o.out, doc);  // partial results survive an interruption
    }
  }
  doc["finished"] = aqb::iso_now();
  doc["failures"] = failures;
  doc["models"] = models;
  doc["runs"] = runs;
  if (!aqb::write_json_file(o.out, doc)) return 3;
  return failures ? 2 : 0;
}
