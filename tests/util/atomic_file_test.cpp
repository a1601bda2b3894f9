#include <gtest/gtest.h>

#include "io/atomic_file.h"
#include "test_support.h"

namespace {

std::size_t entries(const std::filesystem::path& dir) {
  return std::size_t(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(AtomicFile, NothingVisibleUntilCommit) {
  aqtest::TempDir dir;
  const auto out = dir / "out.bin";
  {
    auto f = aq::AtomicFile::create(out);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->write_at("hello", 5, 0).ok());
    EXPECT_FALSE(std::filesystem::exists(out));
    ASSERT_TRUE(f->commit().ok());
  }
  EXPECT_EQ(aqtest::read_file(out).size(), 5u);
  EXPECT_EQ(entries(dir.path()), 1u);  // no temporary left
}

TEST(AtomicFile, AbortAndDestructionLeaveNothing) {
  aqtest::TempDir dir;
  {
    auto f = aq::AtomicFile::create(dir / "a.bin");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->write_at("x", 1, 100).ok());
    f->abort();
  }
  {
    auto f = aq::AtomicFile::create(dir / "b.bin");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->write_at("x", 1, 0).ok());
  }
  EXPECT_EQ(entries(dir.path()), 0u);
}

TEST(AtomicFile, MissingFolderIsAnIoError) {
  auto f = aq::AtomicFile::create("/nonexistent-folder-aq/out.bin");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().kind, aq::ErrorKind::Io);
  EXPECT_NE(f.error().message().find("/nonexistent-folder-aq/out.bin"), std::string::npos);
}

}  // namespace
