#pragma once
// Running arrowquant-cli as a user does: a real process, its output and its exit code.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <string>

namespace clitest {

struct Proc {
  int code = -1;      // exit code; -1 when the process did not exit normally
  int signal = 0;     // the signal that ended it, if one did
  std::string out;    // stdout and stderr together
};

/// Runs a shell command line; stderr goes to stdout so messages can be checked.
inline Proc sh(const std::string& command) {
  Proc r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  const int status = pclose(p);
  // The shell reports a child killed by signal N as exit status 128 + N.
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  else if (r.code > 128) r.signal = r.code - 128;
  return r;
}

inline std::string cli() { return AQ_CLI_PATH; }

/// Single quotes for the shell.
inline std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::size_t entries(const std::filesystem::path& dir) {
  return std::size_t(std::distance(std::filesystem::directory_iterator(dir), {}));
}

}  // namespace clitest
