// HDF5 output to a full disk: the job fails with an I/O error that says so, no temporary file is
// left behind, and the process then exits normally (HDF5's own atexit cleanup used to crash with
// SIGSEGV after a failed H5Fclose).
//
// "Full" is simulated with RLIMIT_FSIZE and SIGXFSZ ignored, so that write() returns EFBIG. The
// child is this test binary itself, run again (fork + exec: no TBB or HDF5 state is inherited)
// with AQ_FULL_DISK_CHILD set; it runs the job and returns from main like the CLI does.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "job/job.h"
#include "model_fixtures.h"

namespace {

namespace fs = std::filesystem;

std::size_t entries(const fs::path& dir) { return std::size_t(std::distance(fs::directory_iterator(dir), {})); }

// Runs `argv` with the file size limit and SIGXFSZ ignored; returns the wait status.
int run_limited(const std::vector<std::string>& args, rlim_t limit, const fs::path& stderr_file,
                const char* env_name = nullptr, const std::string& env_value = {}) {
  const pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl {};
    getrlimit(RLIMIT_FSIZE, &rl);
    rl.rlim_cur = limit;  // the hard limit stays, so that the child can lift the soft one again
    setrlimit(RLIMIT_FSIZE, &rl);
    if (env_name) setenv(env_name, env_value.c_str(), 1);
    const int fd = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 2);
      dup2(fd, 1);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string self_exe() { return fs::read_symlink("/proc/self/exe").string(); }

// The child's side: quantize AQ_FULL_DISK_CHILD/m.safetensors to out/q.h5 in `mode`; then, with
// the limit lifted, once more to ok/q.h5 (HDF5 must still work after the failed close).
int child_main(const fs::path& dir, aq::Mode mode) {
  aq::JobConfig c;
  c.input = dir / "m.safetensors";
  c.output = dir / "out" / "q.h5";
  c.mode = mode;
  c.threads = 2;
  aq::JobObserver quiet;
  aq::CancelToken cancel;
  const auto r = aq::run_job(c, quiet, cancel);
  std::cerr << "status=" << int(r.status) << " kind=" << int(r.error.kind) << " message=" << r.error.message() << "\n";
  if (r.status == aq::JobStatus::Succeeded) return 0;
  struct rlimit rl {};
  getrlimit(RLIMIT_FSIZE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_FSIZE, &rl);
  c.output = dir / "ok" / "q.h5";
  const auto again = aq::run_job(c, quiet, cancel);
  std::cerr << "second run: " << (again.status == aq::JobStatus::Succeeded ? "succeeded" : again.error.message()) << "\n";
  return r.error.kind == aq::ErrorKind::Io ? 3 : 2;
}

// Not a test of its own: the body of the child process (see the file comment).
TEST(Hdf5FullDisk, DISABLED_Child) {
  const char* dir = std::getenv("AQ_FULL_DISK_CHILD");
  if (!dir) GTEST_SKIP();
  const char* mode = std::getenv("AQ_FULL_DISK_MODE");
  const int code = child_main(dir, mode && std::string(mode) == "batch" ? aq::Mode::Batch : aq::Mode::Streaming);
  std::cerr.flush();
  std::exit(code);  // runs the atexit handlers (HDF5's H5_term_library among them) as main's return does
}

class Hdf5FullDisk : public ::testing::TestWithParam<const char*> {};

TEST_P(Hdf5FullDisk, FailsCleanlyAndExitsNormally) {
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  fs::create_directory(dir / "out");
  fs::create_directory(dir / "ok");
  for (rlim_t limit : {rlim_t(4096), rlim_t(48 << 10), rlim_t(96 << 10)}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    setenv("AQ_FULL_DISK_MODE", GetParam(), 1);
    const int status = run_limited({self_exe(), "--gtest_filter=Hdf5FullDisk.DISABLED_Child",
                                    "--gtest_also_run_disabled_tests"},
                                   limit, dir / "child.log", "AQ_FULL_DISK_CHILD", dir.path().string());
    const std::string log = slurp(dir / "child.log");
    ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                   << "\n" << log;
    EXPECT_EQ(WEXITSTATUS(status), 3) << log;
    EXPECT_NE(log.find("file size limit"), std::string::npos) << log;
    EXPECT_EQ(log.find("HDF5-DIAG"), std::string::npos) << log;
    EXPECT_EQ(entries(dir / "out"), 0u) << "a temporary or partial output remains";
    EXPECT_NE(log.find("second run: succeeded"), std::string::npos) << log;
    EXPECT_TRUE(fs::exists(dir / "ok" / "q.h5"));
    fs::remove(dir / "ok" / "q.h5");
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, Hdf5FullDisk, ::testing::Values("streaming", "batch"));

// The same through the CLI: the right message, exit code 3, nothing left behind.
TEST(Hdf5FullDiskCli, ExitsWithCode3) {
  if (!fs::exists(AQ_CLI_PATH)) GTEST_SKIP() << AQ_CLI_PATH << " is not built";
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  fs::create_directory(dir / "out");
  for (const char* mode : {"streaming", "batch"}) {
    SCOPED_TRACE(mode);
    const int status = run_limited({AQ_CLI_PATH, "quantize", (dir / "m.safetensors").string(), "-o",
                                    (dir / "out" / "q.h5").string(), "--mode", mode},
                                   48 << 10, dir / "cli.log");
    const std::string log = slurp(dir / "cli.log");
    ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << "\n" << log;
    EXPECT_EQ(WEXITSTATUS(status), 3) << log;
    EXPECT_NE(log.find("file size limit"), std::string::npos) << log;
    EXPECT_EQ(log.find("HDF5-DIAG"), std::string::npos) << log;
    EXPECT_EQ(entries(dir / "out"), 0u) << log;
  }
}

}  // namespace
