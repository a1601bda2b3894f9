// Inputs built to crash the tool: no process may die by a signal, and every refusal names the
// file and says why, with the file's text escaped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "cli_process.h"
#include "model_fixtures.h"

namespace {

using namespace clitest;
using aqtest::TempDir;

// std::regex recursed once per character: a 40,000-character name with --keep '.*bias' overflowed
// the stack. Names are capped when read.
TEST(HostileInput, AbsurdlyLongNamesAreRefusedNotMatched) {
  TempDir dir;
  auto tensors = aqtest::mini_dit_tensors();
  tensors.push_back({std::string(40000, 'a') + ".bias", "F16", {8}, aqtest::f16_bytes(aqtest::gaussian(8, 1))});
  aqtest::write_safetensors(dir / "long.safetensors", tensors);
  const Proc r = sh(cli() + " quantize " + quoted((dir / "long.safetensors").string()) + " --keep '.*bias' -o " +
                    quoted((dir / "q.safetensors").string()));
  EXPECT_EQ(r.signal, 0) << r.out.substr(0, 500);
  EXPECT_EQ(r.code, 2) << r.out.substr(0, 500);
  EXPECT_NE(r.out.find("tensor name of 40005 bytes"), std::string::npos) << r.out.substr(0, 500);
  EXPECT_LT(r.out.size(), 2000u) << "the name must be shortened in the message";
}

// Escape sequences in names must not reach the terminal.
TEST(HostileInput, ControlCharactersInNamesAreEscaped) {
  TempDir dir;
  const std::string evil = "evil\x1b]0;pwned\x07\x1b[2J\nname";
  aqtest::write_safetensors(dir / "evil.safetensors",
                            {{evil, "Q9_WEIRD\x1b[31m", {4}, std::vector<uint8_t>(16, 0)}});
  const Proc r = sh(cli() + " inspect " + quoted((dir / "evil.safetensors").string()));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x07'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("evil\\x1b]0;pwned\\x07"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unknown dtype 'Q9_WEIRD\\x1b[31m'"), std::string::npos) << r.out;
}

// JSON escapes make control characters legal in names: every command's output escapes them again.
TEST(HostileInput, ControlCharactersInValidNamesAreEscapedEverywhere) {
  TempDir dir;
  const std::string name = "blocks.0.\\u001b[2J\\u001b]0;pwned\\u0007.weight";  // JSON text
  std::vector<uint8_t> data = aqtest::f16_bytes(aqtest::gaussian(64 * 64, 1));
  const std::string header = "{\"" + name + "\":{\"dtype\":\"F16\",\"shape\":[64,64],\"data_offsets\":[0," +
                             std::to_string(data.size()) + "]}}";
  aqtest::write_raw_safetensors(dir / "m.safetensors", header.size(), header, data);
  const std::string m = quoted((dir / "m.safetensors").string());
  for (const std::string args : {" inspect " + m, " plan " + m + " --no-estimate", " quantize " + m + " --dry-run --verbose",
                                 " compare " + m + " " + m}) {
    const Proc r = sh(cli() + args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.out;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << args << "\n" << r.out;
    EXPECT_EQ(r.out.find('\x07'), std::string::npos) << args << "\n" << r.out;
  }
}

// Non-UTF-8 file names made --json abort in nlohmann::json::dump.
TEST(HostileInput, NamesThatAreNotUtf8DoNotAbortJson) {
  TempDir dir;
  const auto name = dir / "model-\xff\xfe.safetensors";
  aqtest::write_mini_dit(name);
  for (const std::string command : {" inspect " + quoted(name.string()) + " --json",
                                    " quantize " + quoted(name.string()) + " --dry-run --json",
                                    " compare " + quoted(name.string()) + " " + quoted(name.string()) + " --json"}) {
    const Proc r = sh(cli() + command);
    EXPECT_EQ(r.signal, 0) << command;
    EXPECT_EQ(r.code, 0) << command << "\n" << r.out.substr(0, 400);
  }
  const Proc q = sh(cli() + " quantize " + quoted(name.string()) + " -o " + quoted((dir / "q-\xff.safetensors").string()));
  ASSERT_EQ(q.code, 0) << q.out;
  const Proc d = sh(cli() + " dequantize " + quoted((dir / "q-\xff.safetensors").string()) + " -o " +
                    quoted((dir / "d.safetensors").string()));
  EXPECT_EQ(d.code, 0) << d.out;
}

// A 30 MB header of nested arrays took 24 s and 5 GB before; nesting is bounded before parsing.
TEST(HostileInput, DeeplyNestedHeadersAreRefusedAtOnce) {
  TempDir dir;
  const std::size_t depth = 4'000'000;
  std::string header = "{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  aqtest::write_raw_safetensors(dir / "deep.safetensors", header.size(), header, {});
  const auto start = std::chrono::steady_clock::now();
  const Proc r = sh(cli() + " inspect " + quoted((dir / "deep.safetensors").string()));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("levels deep"), std::string::npos) << r.out;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));  // hang guard only
  // The index of a sharded model is bounded the same way.
  std::string index = "{\"weight_map\":{}, \"x\":" + std::string(100, '[') + std::string(100, ']') + "}";
  aqtest::write_file(dir / "m.safetensors.index.json", std::vector<uint8_t>(index.begin(), index.end()));
  const Proc i = sh(cli() + " inspect " + quoted((dir / "m.safetensors.index.json").string()));
  EXPECT_EQ(i.code, 2) << i.out;
  EXPECT_NE(i.out.find("levels deep"), std::string::npos) << i.out;
}

// True once the process has a handler for SIGINT: bit 1 of SigCgt in /proc/PID/status.
bool catches_sigint(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (!f) return false;
  char line[256];
  bool caught = false;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "SigCgt:", 7) == 0) caught = (std::strtoull(line + 7, nullptr, 16) >> (SIGINT - 1)) & 1;
  std::fclose(f);
  return caught;
}

// The handler used to be installed only when a command began, after the model was opened; now it
// is the first thing main() does. Signals at any moment after that, during argument parsing,
// opening, planning or the run, must end the process by exit code (0 if it finished, 4 if
// cancelled), never by the signal. Before main() (exec and the dynamic loader) nothing can be
// installed; the test prints how long that took.
TEST(HostileInput, EarlySignalsCancelInsteadOfKilling) {
  TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  std::mt19937 rng(3);
  int cancelled = 0;
  double longest_ms = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string out = (dir / ("o" + std::to_string(i) + ".safetensors")).string();
    const auto forked = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      freopen("/dev/null", "w", stdout);
      freopen("/dev/null", "w", stderr);
      execl(AQ_CLI_PATH, AQ_CLI_PATH, "quantize", (dir / "m.safetensors").c_str(), "-o", out.c_str(), nullptr);
      _exit(127);
    }
    while (!catches_sigint(pid) && std::chrono::steady_clock::now() - forked < std::chrono::seconds(10))
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    longest_ms = std::max(longest_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - forked).count());
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
    kill(pid, i % 2 ? SIGINT : SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status) << " in run " << i;
    ASSERT_TRUE(WIFEXITED(status));
    const int code = WEXITSTATUS(status);
    EXPECT_TRUE(code == 0 || code == 4) << "exit " << code;
    if (code == 4) {
      ++cancelled;
      EXPECT_FALSE(std::filesystem::exists(out));
    }
  }
  EXPECT_GT(cancelled, 5);
  std::cout << "[ signals  ] 40 runs: " << cancelled << " cancelled (exit 4), the rest finished; the handler was in"
            << " place at most " << longest_ms << " ms after fork()\n";
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".aqtmp"), std::string::npos) << e.path();
}

}  // namespace
