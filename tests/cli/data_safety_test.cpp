// No command may overwrite what it reads, or replace what is not a plain file: every spelling of
// an input path as an output is refused before any work, and the input stays byte for byte.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>

#include "cli_process.h"
#include "model_fixtures.h"

namespace {

using namespace clitest;
using aqtest::TempDir;

// A sharded model in dir/sh: an index and two shards.
void write_sharded(const TempDir& dir) {
  std::filesystem::create_directory(dir / "sh");
  aqtest::write_safetensors(dir / "sh/model-00001-of-00002.safetensors",
                            {{"blocks.0.attn.qkv.weight", "F16", {96, 64}, aqtest::f16_bytes(aqtest::gaussian(96 * 64, 1))}});
  aqtest::write_safetensors(dir / "sh/model-00002-of-00002.safetensors",
                            {{"blocks.1.attn.qkv.weight", "F16", {96, 64}, aqtest::f16_bytes(aqtest::gaussian(96 * 64, 2))}});
  const std::string index =
      R"({"weight_map": {"blocks.0.attn.qkv.weight": "model-00001-of-00002.safetensors",
                         "blocks.1.attn.qkv.weight": "model-00002-of-00002.safetensors"}})";
  aqtest::write_file(dir / "sh/model.safetensors.index.json", std::vector<uint8_t>(index.begin(), index.end()));
}

// Ways to name the same file: as given, with ./ and .., absolute, through a symlink, a hard link.
std::vector<std::string> spellings(const TempDir& dir, const std::string& name, int serial) {
  const auto link = dir / ("link" + std::to_string(serial));
  const auto hard = dir / ("hard" + std::to_string(serial));
  std::filesystem::create_symlink(dir / name, link);
  std::filesystem::create_hard_link(dir / name, hard);
  return {(dir / name).string(), (dir.path() / "." / name).string(),
          (dir.path() / "sub" / ".." / name).string(), link.string(), hard.string()};
}

class OutputIsInput : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir_ / "sub");
    aqtest::write_mini_dit(dir_ / "m.safetensors");
    write_sharded(dir_);
    ASSERT_EQ(sh(cli() + " quantize " + quoted((dir_ / "m.safetensors").string()) + " -o " +
                 quoted((dir_ / "q.safetensors").string()) + " --no-progress").code, 0);
  }
  // Runs `command` and checks it was refused with exit 1 and left every file as it was.
  void expect_refused(const std::string& command) {
    std::map<std::string, std::vector<uint8_t>> before;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path()))
      if (e.is_regular_file()) before[e.path().lexically_relative(dir_.path())] = aqtest::read_file(e.path());
    const Proc r = sh(command);
    EXPECT_EQ(r.code, 1) << command << "\n" << r.out;
    EXPECT_NE(r.out.find("arrowquant-cli: refused: "), std::string::npos) << r.out;
    for (const auto& [name, bytes] : before)
      EXPECT_EQ(aqtest::read_file(dir_ / name), bytes) << name << " changed by: " << command;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path()))
      EXPECT_EQ(e.path().filename().string().find(".aqtmp"), std::string::npos) << "temporary left: " << e.path();
  }
  TempDir dir_;
};

TEST_F(OutputIsInput, QuantizeRefusesEverySpellingOfTheInput) {
  int serial = 0;
  for (const auto& out : spellings(dir_, "m.safetensors", serial++))
    expect_refused(cli() + " quantize " + quoted((dir_ / "m.safetensors").string()) + " -o " + quoted(out));
}

TEST_F(OutputIsInput, ReportAndCsvCannotBeTheInputOrTheOutput) {
  const std::string model = quoted((dir_ / "m.safetensors").string());
  const std::string out = quoted((dir_ / "new.safetensors").string());
  for (const char* option : {"--report", "--csv"}) {
    for (const auto& target : spellings(dir_, "m.safetensors", 10 + (option[2] == 'r')))
      expect_refused(cli() + " quantize " + model + " -o " + out + " " + option + " " + quoted(target));
    // The output does not exist yet: the same path twice is still one file.
    expect_refused(cli() + " quantize " + model + " -o " + out + " " + option + " " + out);
  }
  expect_refused(cli() + " quantize " + model + " --dry-run --report " + quoted((dir_ / "r.json").string()) +
                 " --csv " + quoted((dir_ / "sub/../r.json").string()));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "new.safetensors"));
}

TEST_F(OutputIsInput, EveryShardAndTheIndexOfAShardedModelAreInputs) {
  const std::string index = quoted((dir_ / "sh/model.safetensors.index.json").string());
  int serial = 20;
  for (const char* name : {"sh/model-00001-of-00002.safetensors", "sh/model-00002-of-00002.safetensors",
                           "sh/model.safetensors.index.json"})
    for (const auto& out : spellings(dir_, name, serial++))
      expect_refused(cli() + " quantize " + index + " -o " + quoted(out));
  // The folder holding the index opens the same model.
  expect_refused(cli() + " quantize " + quoted((dir_ / "sh").string()) + " -o " +
                 quoted((dir_ / "sh/model-00002-of-00002.safetensors").string()));
}

TEST_F(OutputIsInput, DequantizeRefusesItsInput) {
  int serial = 40;
  for (const auto& out : spellings(dir_, "q.safetensors", serial++))
    expect_refused(cli() + " dequantize " + quoted((dir_ / "q.safetensors").string()) + " -o " + quoted(out));
}

// A random walk over the spellings and options, in case a combination slips through.
TEST_F(OutputIsInput, RandomCombinationsNeverTouchAnInput) {
  std::mt19937 rng(7);
  const std::vector<std::string> inputs = {"m.safetensors", "sh/model-00001-of-00002.safetensors",
                                           "sh/model.safetensors.index.json"};
  for (int i = 0; i < 12; ++i) {
    const std::string& in = inputs[rng() % inputs.size()];
    const auto names = spellings(dir_, in, 100 + i);
    const std::string victim = quoted(names[rng() % names.size()]);
    const std::string model = in == "m.safetensors" ? "m.safetensors" : "sh/model.safetensors.index.json";
    const std::string fresh = quoted((dir_ / ("fresh" + std::to_string(i) + ".safetensors")).string());
    const int where = int(rng() % 3);
    std::string cmd = cli() + " quantize " + quoted((dir_ / model).string());
    cmd += where == 0 ? " -o " + victim : " -o " + fresh;
    if (where == 1) cmd += " --report " + victim;
    if (where == 2) cmd += " --csv " + victim;
    if (rng() % 2) cmd += " --mode batch";
    expect_refused(cmd);
  }
}

TEST(OutputTarget, NotARegularFileIsRefusedBeforeTheRun) {
  TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  const std::string model = quoted((dir / "m.safetensors").string());
  ASSERT_EQ(mkfifo((dir / "fifo").c_str(), 0600), 0);
  std::filesystem::create_directory(dir / "folder");
  struct Case {
    std::string target;
    std::string says;
  };
  for (const Case& c : {Case{"/dev/null", "character device"}, Case{(dir / "fifo").string(), "FIFO"},
                        Case{(dir / "folder").string(), "folder"}}) {
    for (const char* option : {"-o", "--report"}) {
      const std::string cmd = cli() + " quantize " + model + (std::string(option) == "-o" ? "" : " --dry-run") + " " +
                              option + " " + quoted(c.target);
      const Proc r = sh(cmd);
      EXPECT_EQ(r.code, 1) << cmd << "\n" << r.out;
      EXPECT_NE(r.out.find(c.says), std::string::npos) << r.out;
      EXPECT_EQ(r.out.find("SQNR"), std::string::npos) << "refused only after the run:\n" << r.out;
    }
  }
  struct stat st {};
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  ASSERT_EQ(stat((dir / "fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_TRUE(std::filesystem::is_directory(dir / "folder"));
  // dequantize too.
  ASSERT_EQ(sh(cli() + " quantize " + model + " -o " + quoted((dir / "q.safetensors").string())).code, 0);
  const Proc d = sh(cli() + " dequantize " + quoted((dir / "q.safetensors").string()) + " -o /dev/null");
  EXPECT_EQ(d.code, 1) << d.out;
}

TEST(OutputTarget, EmptyPathsAndSymlinkLoopsAreNamed) {
  TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  const std::string model = quoted((dir / "m.safetensors").string());
  const Proc empty = sh(cli() + " quantize " + model + " -o ''");
  EXPECT_EQ(empty.code, 1) << empty.out;
  EXPECT_NE(empty.out.find("empty"), std::string::npos) << empty.out;
  EXPECT_EQ(sh(cli() + " dequantize " + model + " -o ''").code, 1);

  std::filesystem::create_symlink(dir / "loop_a", dir / "loop_b");
  std::filesystem::create_symlink(dir / "loop_b", dir / "loop_a");
  const Proc in = sh(cli() + " inspect " + quoted((dir / "loop_a").string()));
  EXPECT_EQ(in.code, 3) << in.out;
  EXPECT_NE(in.out.find("symbolic links"), std::string::npos) << in.out;
  EXPECT_EQ(in.out.find("no such file"), std::string::npos) << in.out;
  const Proc out = sh(cli() + " quantize " + model + " -o " + quoted((dir / "loop_a").string()));
  EXPECT_EQ(out.code, 1) << out.out;
  EXPECT_NE(out.out.find("symlink loop"), std::string::npos) << out.out;
}

}  // namespace
