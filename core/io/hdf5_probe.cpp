#include "io/hdf5_probe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "io/hdf5_lock.h"

namespace aq {

std::optional<std::string> hdf5_probe(const std::function<void()>& work, int timeout_seconds) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  const pid_t pid = fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    ::close(fds[0]);
    hdf5_in_probe_child() = true;
    // The default actions, whatever the parent installed (a SIGSEGV handler must not hide a crash).
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
    try {
      work();
    } catch (...) {
    }
    const char done = 'd';
    (void)!::write(fds[1], &done, 1);
    _exit(0);
  }
  ::close(fds[1]);
  // Wait for the child's "done" byte or the end of the pipe (the child died), with a deadline.
  bool finished = false, timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int n = poll(&p, 1, int(std::min<long long>(left.count(), 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (n == 0) continue;
    char c = 0;
    const ssize_t got = ::read(fds[0], &c, 1);
    if (got < 0 && errno == EINTR) continue;
    finished = got == 1 && c == 'd';
    break;
  }
  ::close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    return "the HDF5 library did not finish reading the file's structure within " + std::to_string(timeout_seconds) +
           " s (a corrupt file that makes it loop?)";
  if (WIFSIGNALED(status))
    return "the HDF5 library crashed (signal " + std::to_string(WTERMSIG(status)) + ", " +
           strsignal(WTERMSIG(status)) + ") while reading the file's structure: the file is corrupt";
  if (!finished) return "the HDF5 library stopped while reading the file's structure: the file is corrupt";
  return std::nullopt;
}

}  // namespace aq
