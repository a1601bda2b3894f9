// The staged session (job/session.h): one open model, planned, estimated and run as often as
// asked, with the same output and the same safety checks as run_job().
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "io/model_source.h"
#include "job/session.h"
#include "model_fixtures.h"

namespace {

using aqtest::TempDir;

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

aq::JobResult run(const aq::Session& session, const aq::JobConfig& config) {
  aq::JobObserver quiet;
  aq::CancelToken cancel;
  return session.run(config, quiet, cancel);
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override { aqtest::write_mini_dit(model_); }
  aq::JobConfig config(const std::filesystem::path& out) const {
    aq::JobConfig c;
    c.output = out;
    c.plan.scheme.bits = 4;
    c.plan.scheme.method = aq::Method::Search;
    return c;
  }
  TempDir dir_;
  std::filesystem::path model_ = dir_ / "m.safetensors";
};

TEST_F(SessionTest, RunsWriteWhatRunJobWritesAndTheModelStaysOpenForMore) {
  auto session = aq::Session::open(model_);
  ASSERT_TRUE(session.ok()) << session.error().message();
  aq::JobConfig c = config(dir_ / "job.safetensors");
  c.input = model_;
  ASSERT_EQ(aqtest::run_quietly(c).status, aq::JobStatus::Succeeded);
  for (const auto* name : {"s1.safetensors", "s2.safetensors"}) {  // twice: streaming released the pages
    const auto r = run(*session, config(dir_ / name));
    ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
    EXPECT_EQ(r.config.input, model_) << "the result names the session's model";
    EXPECT_EQ(bytes_of(dir_ / name), bytes_of(dir_ / "job.safetensors"));
  }
}

TEST_F(SessionTest, PlanAndEstimateAreTheEnginesOnTheHeldModel) {
  auto session = aq::Session::open(model_);
  ASSERT_TRUE(session.ok());
  const aq::PlanOptions options = config({}).plan;
  auto planned = session->plan(options);
  ASSERT_TRUE(planned.ok()) << planned.error().message();
  const aq::Plan direct = aq::make_plan(session->source(), options);
  EXPECT_EQ(planned->plan.output_bytes, direct.output_bytes);
  EXPECT_EQ(planned->plan.quantized_count, direct.quantized_count);
  EXPECT_FALSE(planned->calibration);
  const aq::RunEstimate e = session->estimate(planned->plan, 1);
  EXPECT_EQ(e.output_bytes, direct.output_bytes);
  EXPECT_GT(e.sample_mb_per_s, 0);
  std::size_t index = 0;
  while (!direct.tensors[index].quantized()) ++index;
  auto h = session->histograms(direct.tensors[index].index, {options.scheme});
  ASSERT_TRUE(h.ok()) << h.error().message();
  EXPECT_EQ(h->schemes.size(), 1u);
}

// The model is held between runs; a file changed since it was opened must not be trusted either.
TEST_F(SessionTest, AFileChangedSinceTheSessionOpenedItFailsTheRun) {
  auto session = aq::Session::open(model_);
  ASSERT_TRUE(session.ok());
  const int fd = ::open(model_.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  const char junk[16] = {};
  ASSERT_EQ(::pwrite(fd, junk, sizeof junk, 4096), 16);
  struct timespec times[2] = {{0, UTIME_OMIT}, {1, 0}};  // a different mtime, whatever the clock's grain
  ::futimens(fd, times);
  ::close(fd);
  std::filesystem::create_directory(dir_ / "out");
  const auto r = run(*session, config(dir_ / "out" / "q.safetensors"));
  ASSERT_EQ(r.status, aq::JobStatus::Failed);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::Io);
  EXPECT_EQ(r.error.file, model_.string());
  EXPECT_NE(r.error.reason.find("changed"), std::string::npos) << r.error.message();
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "out"));
}

TEST_F(SessionTest, TheOutputGuardKnowsTheHeldModelsFiles) {
  auto session = aq::Session::open(model_);
  ASSERT_TRUE(session.ok());
  std::filesystem::create_hard_link(model_, dir_ / "link.safetensors");
  for (const auto& out : {model_, dir_ / "link.safetensors"}) {
    const auto r = run(*session, config(out));
    ASSERT_EQ(r.status, aq::JobStatus::Failed);
    EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument) << r.error.message();
  }
  aq::JobConfig side = config(dir_ / "q.safetensors");
  side.side_outputs.push_back({model_, "--report"});
  EXPECT_EQ(run(*session, side).error.kind, aq::ErrorKind::BadArgument);
  EXPECT_EQ(bytes_of(model_).size(), std::filesystem::file_size(model_));
}

TEST_F(SessionTest, OurOwnOutputIsRefusedAtOpenAsRunJobRefusesIt) {
  aq::JobConfig c = config(dir_ / "q.safetensors");
  c.input = model_;
  ASSERT_EQ(aqtest::run_quietly(c).status, aq::JobStatus::Succeeded);
  auto session = aq::Session::open(dir_ / "q.safetensors");
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().kind, aq::ErrorKind::BadInput);
  auto source = aq::open_model(dir_ / "q.safetensors");
  ASSERT_TRUE(source.ok());
  EXPECT_FALSE(aq::Session::adopt(std::move(*source)).ok());
}

TEST_F(SessionTest, ABadSchemeIsRefusedBeforeAnyWork) {
  auto session = aq::Session::open(model_);
  ASSERT_TRUE(session.ok());
  aq::JobConfig c = config(dir_ / "q.safetensors");
  c.plan.scheme.bits = 5;
  const auto r = run(*session, c);
  EXPECT_EQ(r.error.kind, aq::ErrorKind::BadArgument) << r.error.message();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "q.safetensors"));
}

}  // namespace
