// Fuzz loop (d): random argument vectors for arrowquant-cli on small files (valid, packed,
// corrupted, missing, folders, /dev/null). Oracle: the process is never killed by a signal,
// exits with a documented code (0..5), never prints a sanitizer report, and ends in bounded time.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "fuzz_support.h"
#include "job/job.h"
#include "test_support.h"

extern char** environ;

namespace {

using namespace aqfuzz;
namespace fs = std::filesystem;

struct Outcome {
  bool timed_out = false;
  int status = 0;
  std::string output;
};

Outcome run_cli(const std::vector<std::string>& args, const fs::path& log, double timeout_s) {
  std::vector<std::string> argv_s = {AQ_CLI_PATH};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Sanitizer reports must not look like an ordinary exit code.
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "ASAN_OPTIONS=", 13) && std::strncmp(*e, "UBSAN_OPTIONS=", 14)) env_s.emplace_back(*e);
  const char* asan = std::getenv("ASAN_OPTIONS");
  const char* ubsan = std::getenv("UBSAN_OPTIONS");
  env_s.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") + "exitcode=86");
  env_s.push_back(std::string("UBSAN_OPTIONS=") + (ubsan ? std::string(ubsan) + ":" : "") + "halt_on_error=1:exitcode=87");
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  Outcome o;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    o.status = -1;
    o.output = std::string("posix_spawn: ") + std::strerror(rc);
    return o;
  }
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const pid_t w = waitpid(pid, &o.status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > timeout_s) {
      o.timed_out = true;
      kill(pid, SIGKILL);  // our own child
      waitpid(pid, &o.status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const auto bytes = slurp(log);
  o.output.assign(bytes.begin(), bytes.end());
  return o;
}

TEST(CliFuzz, RandomArgumentVectors) {
  aqtest::TempDir dir;
  using namespace aqtest;
  const fs::path model = dir / "model.safetensors", packed = dir / "packed.safetensors";
  const fs::path corrupt = dir / "corrupt.safetensors", empty = dir / "empty.safetensors";
  write_safetensors(model, {{"blocks.0.mlp.fc1.weight", "F16", {16, 40}, f16_bytes(gaussian(640, 1))},
                            {"conv.weight", "F32", {4, 2, 3, 3}, f32_bytes(gaussian(72, 2))},
                            {"norm.weight", "F16", {40}, f16_bytes(gaussian(40, 3))}});
  {
    aq::JobConfig job;
    job.input = model;
    job.output = packed;
    job.plan.min_elements = 16;
    job.plan.scheme.group_size = 8;
    job.threads = 1;
    aq::JobObserver obs;
    aq::CancelToken cancel;
    ASSERT_EQ(aq::run_job(job, obs, cancel).status, aq::JobStatus::Succeeded);
  }
  {
    Rng r(3);
    auto b = slurp(packed);
    spit(corrupt, mutate_bytes(b, r));
  }
  spit(empty, std::vector<uint8_t>{});
  fs::create_directories(dir / "folder");
  fs::copy_file(model, dir / "folder" / "model.safetensors");
  const fs::path log = dir / "cli.log";
  const std::vector<std::string> inputs = {model.string(), packed.string(), corrupt.string(), empty.string(),
                                           (dir / "folder").string(), (dir / "missing.safetensors").string(),
                                           "/dev/null", dir.path().string(), "", "-"};
  const std::vector<std::string> outputs = {(dir / "out.safetensors").string(), (dir / "out.h5").string(),
                                            (dir / "out.txt").string(), (dir / "no" / "such" / "x.safetensors").string(),
                                            "/proc/version", dir.path().string(), "", (dir / "out.hdf5").string()};
  const std::vector<std::string> commands = {"inspect", "plan", "quantize", "dequantize", "compare", "rules",
                                             "make-model", "--help", "--version", "-h", "bogus", ""};
  struct Opt { const char* name; std::vector<std::string> values; };
  const std::vector<Opt> opts = {
      {"--bits", {"2", "3", "4", "8", "5", "0", "-1", "99999999999999999999", "x", ""}},
      {"--group-size", {"8", "16", "channel", "7", "0", "-8", "16777216", "16777217", "1e3"}},
      {"--symmetric", {}}, {"--asymmetric", {}}, {"--method", {"minmax", "search", "fast"}},
      {"--mode", {"streaming", "batch", "turbo"}}, {"--threads", {"1", "2", "0", "-1", "1025", "x"}},
      {"--min-elements", {"0", "16", "-5", "99999999999999999999999"}}, {"--block-mb", {"1", "0", "4096", "4097", "-1"}},
      {"--keep", {"norm", "conv.*", "(", "[z-a]", "(a*)*b", "", "\\"}}, {"--rule", {"fc1=2", "conv=8:16", "x=4:channel", "=", "fc1=9", "(=4", "a=4:3"}},
      {"--no-default-keep", {}}, {"--dry-run", {}}, {"--json", {}}, {"--verbose", {}}, {"--no-progress", {}},
      {"--no-estimate", {}}, {"--dtype", {"f16", "f32", "bf16", ""}}, {"--seed", {"1", "x", "-1"}},
      {"--report", {}}, {"--csv", {}}, {"-o", {}}, {"--output", {}}, {"--help", {}}, {"--unknown-option", {}}};

  FuzzConfig probe = fuzz_config(1);
  const double timeout = std::max(10.0, 10 * probe.case_seconds);
  FuzzLoop loop("cli", 100);
  loop.run([&](uint64_t, Rng& rng) {
    std::vector<std::string> args;
    auto add_option = [&](const Opt& o, bool valid_only) {
      const std::string name = o.name;
      const bool takes_path = name == "--report" || name == "--csv" || name == "-o" || name == "--output";
      if (!takes_path && o.values.empty()) {
        args.push_back(name);
        return;
      }
      const std::string value = takes_path ? rng.pick(outputs) : valid_only ? o.values[rng.below(std::min<std::size_t>(2, o.values.size()))] : rng.pick(o.values);
      if (rng.chance(0.2)) args.push_back(name + "=" + value);
      else if (valid_only || rng.chance(0.95)) { args.push_back(name); args.push_back(value); }
      else args.push_back(name);  // value missing
    };
    if (rng.chance(0.6)) {  // well-formed: a real command with its inputs, mostly valid options
      static const char* const kReal[] = {"inspect", "plan", "quantize", "dequantize", "compare"};
      const std::string cmd = rng.pick(kReal);
      args.push_back(cmd);
      const std::vector<std::string> good = {model.string(), packed.string(), corrupt.string(), (dir / "folder").string()};
      args.push_back(rng.chance(0.8) ? good[rng.below(cmd == "dequantize" ? 2 : good.size())] : rng.pick(inputs));
      if (cmd == "compare") args.push_back(rng.chance(0.8) ? rng.pick(good) : rng.pick(inputs));
      if (cmd == "quantize" || cmd == "dequantize") {
        args.push_back("-o");
        args.push_back(rng.chance(0.8) ? (dir / (rng.chance(0.8) ? "out.safetensors" : "out.h5")).string() : rng.pick(outputs));
      }
      for (int k = 0, n = int(rng.below(4)); k < n; ++k) add_option(rng.pick(opts), rng.chance(0.8));
    } else {  // anything
      args.push_back(rng.pick(commands));
      if (args[0] == "make-model") {  // never the real presets: they write large files
        static const char* const kPresets[] = {"nonsense", "", "DEMO ", "-o"};
        args.push_back(rng.pick(kPresets));
      }
      for (int k = 0, n = int(rng.below(3)); k < n; ++k) args.push_back(rng.pick(inputs));
      for (int k = 0, n = int(rng.below(5)); k < n; ++k) add_option(rng.pick(opts), false);
    }
    if (rng.chance(0.1)) std::swap(args[rng.below(args.size())], args[rng.below(args.size())]);
    std::string line = "arrowquant-cli";
    for (const auto& a : args) line += " '" + a + "'";
    loop.set_input({}, line);
    const Outcome o = run_cli(args, log, timeout);
    if (o.timed_out) {
      loop.finding("hung for " + std::to_string(timeout) + " s: " + line);
      return;
    }
    const bool sanitizer = o.output.find("Sanitizer") != std::string::npos || o.output.find("runtime error:") != std::string::npos;
    if (WIFSIGNALED(o.status)) {
      loop.finding("killed by signal " + std::to_string(WTERMSIG(o.status)) + ": " + line + "\n" + o.output.substr(0, 4000));
    } else if (!WIFEXITED(o.status) || WEXITSTATUS(o.status) > 5 || sanitizer) {
      loop.finding("exit status " + std::to_string(WIFEXITED(o.status) ? WEXITSTATUS(o.status) : -1) +
                   (sanitizer ? " with a sanitizer report" : "") + ": " + line + "\n" + o.output.substr(0, 4000));
    } else {
      loop.count("exit" + std::to_string(WEXITSTATUS(o.status)));
    }
    // An output written next to the inputs must not be left for the next case to trip over.
    std::error_code ec;
    for (const char* f : {"out.safetensors", "out.h5", "out.hdf5", "out.txt"}) fs::remove(dir / f, ec);
    if (!fs::exists(model) || !fs::exists(packed)) loop.finding("an input file disappeared: " + line);
  });
}

}  // namespace
