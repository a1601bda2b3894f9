// Calibrated quantization end to end on synthetic models and synthetic H: what compensation
// must do (lower the output error, reproduce data-free bytes when H carries no cross terms,
// write the same bytes streaming and batch), and what the output-error figures must equal.
#include <gtest/gtest.h>

#include <cmath>

#include "calibration_fixture.h"
#include "calib/calibration_file.h"
#include "demo/synthetic_calibration.h"
#include "io/model_source.h"
#include "io/logical_model.h"
#include "job/job.h"
#include "model_fixtures.h"
#include "test_support.h"

namespace {

using namespace aqtest;
namespace fs = std::filesystem;

// Two weight tensors (rows not a multiple of the 32-row chunk) and a kept bias.
void write_model(const fs::path& path) {
  write_safetensors(path, {{"blocks.0.attn.qkv.weight", "F32", {100, 64}, f32_bytes(gaussian(100 * 64, 1, 0.05f))},
                           {"blocks.0.mlp.fc1.weight", "F32", {72, 128}, f32_bytes(gaussian(72 * 128, 2, 0.05f))},
                           {"blocks.0.mlp.fc1.bias", "F32", {72}, f32_bytes(gaussian(72, 3, 0.05f))}});
}

CalFile two_layer_file(int buckets = 1) {
  CalFile f;
  f.layers = {hessian_layer("blocks.0.attn.qkv.weight", 64, 11, buckets),
              hessian_layer("blocks.0.mlp.fc1.weight", 128, 12, buckets)};
  return f;
}

aq::JobConfig config_for(const fs::path& model, const fs::path& out, const fs::path& cal) {
  aq::JobConfig c;
  c.input = model;
  c.output = out;
  c.calibration.file = cal;
  c.plan.keep_sensitive = false;
  return c;
}

const aq::TensorResult& find(const aq::JobResult& r, const std::string& name) {
  for (const auto& t : r.tensors)
    if (t.name == name) return t;
  throw std::runtime_error("no result for " + name);
}

TEST(Calibration, CompensationLowersTheOutputErrorOfEveryTensor) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  write_calibration(dir / "cal.h5", two_layer_file());
  auto c = config_for(dir / "m.safetensors", "", dir / "cal.h5");
  c.calibration.gptq.compensate = false;
  const auto plain = run_quietly(c);
  ASSERT_EQ(plain.status, aq::JobStatus::Succeeded) << plain.error.message();
  c.calibration.gptq.compensate = true;
  const auto gptq = run_quietly(c);
  ASSERT_EQ(gptq.status, aq::JobStatus::Succeeded) << gptq.error.message();
  for (const char* name : {"blocks.0.attn.qkv.weight", "blocks.0.mlp.fc1.weight"}) {
    const auto& a = find(plain, name);
    const auto& b = find(gptq, name);
    ASSERT_TRUE(a.output_error && b.output_error) << name;
    EXPECT_FALSE(a.output_error->compensated);
    EXPECT_TRUE(b.output_error->compensated);
    // The output error drops by more than 3 dB; the weight error may rise (that is the trade).
    EXPECT_GT(b.output_error->sqnr_db, a.output_error->sqnr_db + 3.0) << name;
  }
  EXPECT_FALSE(find(gptq, "blocks.0.mlp.fc1.bias").output_error);  // kept: nothing to measure
}

TEST(Calibration, ActOrderAlsoCompensates) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  write_calibration(dir / "cal.h5", two_layer_file());
  auto c = config_for(dir / "m.safetensors", dir / "q.safetensors", dir / "cal.h5");
  c.calibration.gptq.compensate = false;
  const auto plain = run_quietly(c);
  c.calibration.gptq.compensate = true;
  c.calibration.gptq.act_order = true;
  const auto ordered = run_quietly(c);
  ASSERT_EQ(ordered.status, aq::JobStatus::Succeeded) << ordered.error.message();
  for (const char* name : {"blocks.0.attn.qkv.weight", "blocks.0.mlp.fc1.weight"})
    EXPECT_GT(find(ordered, name).output_error->sqnr_db, find(plain, name).output_error->sqnr_db + 3.0) << name;
  auto m = aq::LogicalModel::open(dir / "q.safetensors");  // the file reads back
  ASSERT_TRUE(m.ok()) << m.error().message();
}

// H = c I has no cross terms: nothing propagates, and every code, scale and zero point must be
// exactly what data-free quantization writes.
TEST(Calibration, ScaledIdentityHessianWritesTheDataFreeBytes) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  CalFile f;
  for (auto [name, k] : {std::pair<const char*, int64_t>{"blocks.0.attn.qkv.weight", 64}, {"blocks.0.mlp.fc1.weight", 128}}) {
    CalLayer l;
    l.name = name;
    l.k = k;
    l.data.assign(std::size_t(k * k), 0.0f);
    for (int64_t i = 0; i < k; ++i) l.data[std::size_t(i * k + i)] = 7.5f;
    l.counts = {3};
    f.layers.push_back(l);
  }
  write_calibration(dir / "cal.h5", f);
  for (const auto* type : {"", "q4_0"}) {
    const std::string ext = *type ? ".gguf" : ".safetensors";
    auto c = config_for(dir / "m.safetensors", dir / ("cal" + ext), dir / "cal.h5");
    if (*type) c.plan.scheme.ggml_type = 2;  // q4_0: equal importances change nothing
    const auto calibrated = run_quietly(c);
    ASSERT_EQ(calibrated.status, aq::JobStatus::Succeeded) << calibrated.error.message();
    ASSERT_TRUE(find(calibrated, "blocks.0.attn.qkv.weight").output_error);  // the calibration was used
    c.calibration.file.clear();
    c.output = dir / ("plain" + ext);
    ASSERT_EQ(run_quietly(c).status, aq::JobStatus::Succeeded);
    EXPECT_EQ(read_file(dir / ("cal" + ext)), read_file(dir / ("plain" + ext))) << ext;
  }
}

TEST(Calibration, StreamingAndBatchWriteTheSameBytes) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  write_calibration(dir / "cal.h5", two_layer_file(2));
  for (int ggml : {-1, 12 /* q4_k */, 8 /* q8_0 */}) {
    const std::string ext = ggml >= 0 ? ".gguf" : ".safetensors";
    auto c = config_for(dir / "m.safetensors", dir / ("s" + ext), dir / "cal.h5");
    c.plan.scheme.ggml_type = ggml;
    c.mode = aq::Mode::Streaming;
    c.block_bytes = 4096;  // many blocks per tensor
    const auto s = run_quietly(c);
    ASSERT_EQ(s.status, aq::JobStatus::Succeeded) << s.error.message();
    ASSERT_TRUE(find(s, "blocks.0.mlp.fc1.weight").output_error->compensated);
    c.mode = aq::Mode::Batch;
    c.output = dir / ("b" + ext);
    const auto b = run_quietly(c);
    ASSERT_EQ(b.status, aq::JobStatus::Succeeded) << b.error.message();
    EXPECT_EQ(read_file(dir / ("s" + ext)), read_file(dir / ("b" + ext))) << "ggml type " << ggml;
  }
}

// The reported figures equal tr(D H_b D^T) / tr(W H_b W^T) computed here from the written file.
TEST(Calibration, OutputErrorIsTheTraceRatioOfEachBucket) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  CalFile f = two_layer_file(2);
  f.bucket_edges = {0, 25, 50};
  write_calibration(dir / "cal.h5", f);
  auto c = config_for(dir / "m.safetensors", dir / "q.safetensors", dir / "cal.h5");
  c.calibration.timestep_weights = {1.0, 3.0};
  const auto r = run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  auto q = aq::LogicalModel::open(dir / "q.safetensors");
  auto w = aq::LogicalModel::open(dir / "m.safetensors");
  ASSERT_TRUE(q.ok() && w.ok());
  for (const auto& layer : f.layers) {
    const aq::LogicalTensor* tq = q->find(layer.name);
    const aq::LogicalTensor* tw = w->find(layer.name);
    std::vector<float> qv, wv;
    ASSERT_TRUE(q->read_float_rows(*tq, 0, tq->rows, qv).ok());
    ASSERT_TRUE(w->read_float_rows(*tw, 0, tw->rows, wv).ok());
    const int64_t k = layer.k, rows = tw->rows;
    double num_all = 0, den_all = 0;
    const auto& e = *find(r, layer.name).output_error;
    ASSERT_EQ(e.bucket_relative.size(), 2u);
    for (int b = 0; b < 2; ++b) {
      const float* h = layer.data.data() + b * k * k;
      double num = 0, den = 0;
      for (int64_t row = 0; row < rows; ++row)
        for (int64_t i = 0; i < k; ++i)
          for (int64_t j = 0; j < k; ++j) {
            const double di = wv[row * k + i] - qv[row * k + i], dj = wv[row * k + j] - qv[row * k + j];
            num += di * h[i * k + j] * dj / layer.counts[b];
            den += double(wv[row * k + i]) * h[i * k + j] * wv[row * k + j] / layer.counts[b];
          }
      EXPECT_NEAR(e.bucket_relative[b], num / den, 1e-3 * num / den) << layer.name << " bucket " << b;
      num_all += c.calibration.timestep_weights[b] * num;
      den_all += c.calibration.timestep_weights[b] * den;
    }
    EXPECT_NEAR(e.relative, num_all / den_all, 1e-3 * num_all / den_all) << layer.name;
    EXPECT_NEAR(e.sqnr_db, -10 * std::log10(num_all / den_all), 0.01) << layer.name;
  }
}

}  // namespace

namespace {

// With a calibration file the budget is spent on the output error, and the run compensates.
TEST(Calibration, SizeBudgetMeasuresTheOutputError) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  write_calibration(dir / "cal.h5", two_layer_file());
  auto c = config_for(dir / "m.safetensors", dir / "q.safetensors", dir / "cal.h5");
  c.budget.target_bpw = 3.5;
  const auto r = run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  EXPECT_LE(r.bits_per_weight(), 3.5 + 1e-9);
  for (const char* name : {"blocks.0.attn.qkv.weight", "blocks.0.mlp.fc1.weight"}) {
    const auto& t = find(r, name);
    EXPECT_NE(t.reason.find("relative output error"), std::string::npos) << t.reason;
    ASSERT_TRUE(t.output_error);
    EXPECT_TRUE(t.output_error->compensated);
  }
}

}  // namespace

namespace {

// make-calibration's generator writes a file the reader accepts, one layer per rank-2+ float
// tensor with the tensor's width, and a calibrated run on it compensates.
TEST(Calibration, SyntheticCalibrationFileIsReadAndUsed) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  auto source = aq::open_model(dir / "m.safetensors");
  ASSERT_TRUE(source.ok());
  aq::SyntheticCalibrationOptions options;
  options.buckets = 3;
  options.diag_above = 100;  // the 128-wide tensor gets the diagonal only
  ASSERT_TRUE(aq::write_synthetic_calibration(**source, dir / "syn.h5", options).ok());
  auto cal = aq::CalibrationFile::open(dir / "syn.h5");
  ASSERT_TRUE(cal.ok()) << cal.error().message();
  EXPECT_EQ((*cal)->buckets(), 3);
  EXPECT_EQ((*cal)->layer_count(), 2u);  // the bias is 1-D
  ASSERT_TRUE((*cal)->find("blocks.0.attn.qkv.weight"));
  EXPECT_EQ((*cal)->find("blocks.0.attn.qkv.weight")->k, 64);
  EXPECT_FALSE((*cal)->find("blocks.0.attn.qkv.weight")->diagonal);
  EXPECT_TRUE((*cal)->find("blocks.0.mlp.fc1.weight")->diagonal);
  const auto r = run_quietly(config_for(dir / "m.safetensors", "", dir / "syn.h5"));
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  EXPECT_TRUE(find(r, "blocks.0.attn.qkv.weight").output_error->compensated);
  EXPECT_FALSE(find(r, "blocks.0.mlp.fc1.weight").output_error->compensated);
}

}  // namespace

namespace {

// Output errors and weight errors are on different scales: under a budget with a calibration
// file, a tensor the file has no data for keeps its default scheme.
TEST(Calibration, SizeBudgetLeavesTensorsWithoutDataAtTheirDefault) {
  TempDir dir;
  write_model(dir / "m.safetensors");
  CalFile f;
  f.layers = {hessian_layer("blocks.0.attn.qkv.weight", 64, 11)};
  write_calibration(dir / "cal.h5", f);
  auto c = config_for(dir / "m.safetensors", "", dir / "cal.h5");
  c.budget.target_bpw = 5.0;
  const auto r = run_quietly(c);
  ASSERT_EQ(r.status, aq::JobStatus::Succeeded) << r.error.message();
  EXPECT_NE(find(r, "blocks.0.attn.qkv.weight").reason.find("size budget"), std::string::npos);
  const auto& other = find(r, "blocks.0.mlp.fc1.weight");
  EXPECT_EQ(other.reason.rfind("default: ", 0), 0u) << other.reason;
  EXPECT_EQ(other.scheme, c.plan.scheme);
}

}  // namespace
