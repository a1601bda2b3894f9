// The command-line tool end to end, as a user runs it: a real process, its output and exit code.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include <nlohmann/json.hpp>

#include "demo/synthetic_model.h"
#include "cli_process.h"
#include "model_fixtures.h"

namespace {

using namespace clitest;

class CliDemo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new aqtest::TempDir;
    ASSERT_TRUE(aq::write_synthetic_model(aq::SyntheticPreset::DemoDiTS2, *dir_ / "demo.safetensors").ok());
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string path(const std::string& name) { return (*dir_ / name).string(); }
  static aqtest::TempDir* dir_;
};
aqtest::TempDir* CliDemo::dir_ = nullptr;

TEST_F(CliDemo, InspectNamesTheFamilyAndCounts) {
  const Proc r = sh(cli() + " inspect " + path("demo.safetensors") + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["family"], "DiT transformer");
  EXPECT_GT(j["params"].get<int64_t>(), 32'000'000);
  EXPECT_LT(j["params"].get<int64_t>(), 34'000'000);
  EXPECT_EQ(j["dtypes"]["F16"]["tensors"], j["tensors"]);
}

// The acceptance: streaming and batch at INT2, INT4 and INT8 print the table and write
// identical files that dequantize restores within the printed error.
TEST_F(CliDemo, QuantizeBothModesDequantizeAndCompare) {
  for (int bits : {2, 4, 8}) {
    const std::string b = std::to_string(bits);
    const Proc s = sh(cli() + " quantize " + path("demo.safetensors") + " -o " + path("s.safetensors") + " --bits " + b +
                     " --report " + path("run.json") + " --csv " + path("run.csv"));
    ASSERT_EQ(s.code, 0) << s.out;
    EXPECT_NE(s.out.find("blocks.11.mlp.fc2.weight"), std::string::npos);
    EXPECT_NE(s.out.find("SQNR"), std::string::npos);
    EXPECT_NE(s.out.find("pos_embed"), std::string::npos);
    const Proc bt = sh(cli() + " quantize " + path("demo.safetensors") + " -o " + path("b.safetensors") + " --bits " + b +
                      " --mode batch --no-progress");
    ASSERT_EQ(bt.code, 0) << bt.out;
    EXPECT_EQ(aqtest::read_file(path("s.safetensors")), aqtest::read_file(path("b.safetensors"))) << "INT" << bits;

    const Proc d = sh(cli() + " dequantize " + path("s.safetensors") + " -o " + path("d.safetensors"));
    ASSERT_EQ(d.code, 0) << d.out;
    const Proc c = sh(cli() + " compare " + path("demo.safetensors") + " " + path("d.safetensors") + " --json");
    ASSERT_EQ(c.code, 0) << c.out;
    const auto report = nlohmann::json::parse(aqtest::read_file(path("run.json")));
    const auto cmp = nlohmann::json::parse(c.out);
    std::map<std::string, double> restored;
    for (const auto& t : cmp["tensors"])
      if (t["status"] == "compared" && !t["sqnr_db"].is_null()) restored[t["name"]] = t["sqnr_db"];
    int checked = 0;
    for (const auto& t : report["tensors"]) {
      if (t["decision"] != "quantize") continue;
      // F16 output rounds the dequantized values once more: allow a small loss, never a gain
      // beyond noise, and never more than 0.5 dB at INT8 (about 40 dB) or less at fewer bits.
      const double printed = t["sqnr_db"], got = restored.at(t["name"]);
      EXPECT_NEAR(got, printed, bits == 8 ? 0.5 : 0.05) << t["name"];
      ++checked;
    }
    EXPECT_EQ(checked, 60);  // 12 blocks x (qkv, proj, fc1, fc2, adaLN)
    const auto csv = aqtest::read_file(path("run.csv"));
    EXPECT_GT(std::count(csv.begin(), csv.end(), '\n'), 80);
  }
}

TEST_F(CliDemo, JsonOutputHasTotalsAndPeakMemory) {
  const Proc r = sh(cli() + " quantize " + path("demo.safetensors") + " --dry-run --json --bits 4");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "succeeded");
  EXPECT_GT(j["totals"]["peak_rss_bytes"].get<uint64_t>(), 0u);
  EXPECT_GT(j["totals"]["compression_ratio"].get<double>(), 3.0);
  EXPECT_FALSE(j["memory"].empty());

  // plan predicts that accuracy from its sample, per tensor and over all (issue 10).
  const Proc p = sh(cli() + " plan " + path("demo.safetensors") + " --json --bits 4");
  ASSERT_EQ(p.code, 0) << p.out;
  const auto plan = nlohmann::json::parse(p.out);
  const double predicted = plan["estimate"]["sqnr_db"].get<double>();
  const double measured = j["totals"]["sqnr_db"].get<double>();
  EXPECT_NEAR(predicted, measured, 1.0);
  int with_prediction = 0;
  for (const auto& t : plan["tensors"]) with_prediction += t.contains("predicted_sqnr_db");
  EXPECT_EQ(with_prediction, plan["quantized_tensors"].get<int>());
}

TEST_F(CliDemo, CtrlCCancelsAndLeavesNoFile) {
  aqtest::TempDir out;
  const std::string target = (out / "c.safetensors").string();
  const pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(AQ_CLI_PATH, AQ_CLI_PATH, "quantize", path("demo.safetensors").c_str(), "-o", target.c_str(), "--threads",
          "1", "--method", "search", "--bits", "3", nullptr);
    _exit(127);
  }
  // Wait until the temporary output exists (the run is under way), then press Ctrl+C.
  for (int i = 0; i < 2000 && entries(out.path()) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
  EXPECT_EQ(entries(out.path()), 0u) << "no output and no temporary may remain";
}

TEST_F(CliDemo, FullDiskIsAnIoErrorAndLeavesNoFile) {
  aqtest::TempDir out;
  // A 1 MiB file-size limit stands in for a full disk; SIGXFSZ ignored so the write fails cleanly.
  const Proc r = sh("trap '' XFSZ; ulimit -f 1024; exec " + cli() + " quantize " + path("demo.safetensors") + " -o " +
                   (out / "full.safetensors").string());
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("no space for the output"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("full.safetensors"), std::string::npos) << r.out;
  EXPECT_EQ(entries(out.path()), 0u);
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* c : {"inspect", "plan", "quantize", "dequantize", "compare", "make-model", "demo", "rules"}) {
    const Proc r = sh(cli() + " " + c + " --help");
    EXPECT_EQ(r.code, 0) << c;
    EXPECT_NE(r.out.find("usage: arrowquant-cli"), std::string::npos) << c;
  }
  EXPECT_EQ(sh(cli() + " --help").code, 0);
}

TEST(Cli, ExitCodesTellWhatWentWrong) {
  aqtest::TempDir dir;
  aqtest::write_file(dir / "trunc.safetensors", {1, 2, 3});
  EXPECT_EQ(sh(cli() + " quantize x.safetensors --bits 5 -o y").code, 1);
  EXPECT_EQ(sh(cli() + " quantize x.safetensors --frobnicate -o y").code, 1);
  EXPECT_EQ(sh(cli() + " nonsense").code, 1);
  const Proc bad = sh(cli() + " inspect " + (dir / "trunc.safetensors").string());
  EXPECT_EQ(bad.code, 2) << bad.out;
  EXPECT_NE(bad.out.find("trunc.safetensors"), std::string::npos);
  EXPECT_EQ(sh(cli() + " inspect " + (dir / "missing.safetensors").string()).code, 3);
}

TEST(Cli, PlanShowsReasonsSizeAndEstimate) {
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  const Proc r = sh(cli() + " plan " + (dir / "m.safetensors").string() + " --bits 2 --keep fc2");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("user rule: keep 'fc2'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("timestep embedding"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bits/weight"), std::string::npos);
  EXPECT_NE(r.out.find("measured on a"), std::string::npos);
}

TEST(Cli, PlanWarnsWhenTheOutputWouldNotShrink) {
  aqtest::TempDir dir;
  // Only [N, 1] tensors: packed, each row of one element would carry its own scale and zero.
  aqtest::write_safetensors(dir / "thin.safetensors",
                            {{"a.lora_up.weight", "F16", {4096, 1}, aqtest::f16_bytes(aqtest::gaussian(4096, 1))},
                             {"b.lora_up.weight", "F16", {4096, 1}, aqtest::f16_bytes(aqtest::gaussian(4096, 2))},
                             {"c.lora_up.weight", "F16", {4096, 1}, aqtest::f16_bytes(aqtest::gaussian(4096, 3))}});
  const Proc r = sh(cli() + " plan " + (dir / "thin.safetensors").string() + " --no-estimate");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("keep:no-gain"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not clearly smaller"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning: the output (0.02 MB) would not be smaller than the input (0.02 MB)"),
            std::string::npos) << r.out;
  const Proc j = sh(cli() + " plan " + (dir / "thin.safetensors").string() + " --no-estimate --json");
  ASSERT_EQ(j.code, 0) << j.out;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_FALSE(doc["shrinks"].get<bool>());
  ASSERT_EQ(doc["warnings"].size(), 1u);

  aqtest::write_mini_dit(dir / "m.safetensors");
  const Proc ok = sh(cli() + " plan " + (dir / "m.safetensors").string() + " --no-estimate");
  ASSERT_EQ(ok.code, 0) << ok.out;
  EXPECT_EQ(ok.out.find("warning:"), std::string::npos) << ok.out;
}

TEST(Cli, HdfOutputAndKeepRule) {
  aqtest::TempDir dir;
  aqtest::write_mini_dit(dir / "m.safetensors");
  const Proc r = sh(cli() + " quantize " + (dir / "m.safetensors").string() + " -o " + (dir / "o.h5").string() +
                   " --rule 'fc1=8:channel' --symmetric --method minmax");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "o.h5"));
  EXPECT_NE(r.out.find("INT8 chan sym"), std::string::npos) << r.out;
}

}  // namespace
