#include "demo/synthetic_model.h"

#include <tbb/parallel_for.h>

#include <cmath>
#include <cstdlib>
#include <numbers>

#include "demo/splitmix64.h"
#include "demo/synthetic_recipes.h"
#include "io/safetensors_layout.h"
#include "tensor/half.h"

namespace aq {
namespace {

using synth::Init;
using synth::TensorRecipe;

struct Rng : SplitMix64 {
  float uniform() { return float((next() >> 40) + 1) * (1.0f / 16777217.0f); }  // (0, 1)
  float normal() {
    return std::sqrt(-2.0f * std::log(uniform())) * std::cos(2.0f * std::numbers::pi_v<float> * uniform());
  }
  // Student-t with 4 degrees of freedom, scaled to unit variance: a trained weight's heavy tails.
  float student_t4() {
    const float chi2 = -2.0f * std::log(uniform() * uniform());  // chi-square, 4 degrees of freedom
    return normal() / std::sqrt(chi2 / 4.0f) * float(1.0 / std::numbers::sqrt2);
  }
};

Rng stream(uint64_t seed, uint64_t tensor, uint64_t row) {
  Rng r{{seed * 0x2545f4914f6cdd1dull ^ (tensor << 32) ^ row}};
  r.next();
  return r;
}

// Per input channel gains: about 0.5% of channels (at least one) are outliers, 4-10x larger, as
// in trained transformers.
std::vector<float> column_gains(uint64_t seed, uint64_t tensor, int64_t cols) {
  std::vector<float> g(std::size_t(cols), 1.0f);
  Rng r = stream(seed, tensor, ~0ull);
  const int64_t outliers = std::max<int64_t>(1, cols / 200);
  for (int64_t i = 0; i < outliers && cols > 8; ++i) g[std::size_t(r.next() % uint64_t(cols))] = 4.0f + 6.0f * r.uniform();
  return g;
}

void fill_sincos(const TensorRecipe& t, int64_t row_begin, int64_t rows, float* out) {
  // rows = 1, cols = patches x hidden: DiT's fixed 2-D sine-cosine table on a square grid.
  const int64_t hidden = t.shape.back(), patches = t.shape[1];
  const int64_t side = int64_t(std::lround(std::sqrt(double(patches))));
  const int64_t quarter = hidden / 4;
  for (int64_t p = 0; p < patches; ++p) {
    const double pos[2] = {double(p % side), double(p / side)};
    for (int half = 0; half < 2; ++half)
      for (int64_t i = 0; i < quarter; ++i) {
        const double omega = 1.0 / std::pow(10000.0, double(i) / double(quarter));
        out[p * hidden + half * 2 * quarter + i] = float(std::sin(pos[half] * omega));
        out[p * hidden + half * 2 * quarter + quarter + i] = float(std::cos(pos[half] * omega));
      }
  }
  (void)row_begin;
  (void)rows;
}

void fill_row(const TensorRecipe& t, uint64_t seed, uint64_t index, int64_t row, int64_t cols,
              const std::vector<float>& gains, float* out) {
  Rng r = stream(seed, index, uint64_t(row));
  switch (t.init) {
    case Init::Linear: {
      const float row_scale = t.stddev * std::exp(0.3f * r.normal());  // spread of row norms
      for (int64_t c = 0; c < cols; ++c) out[c] = row_scale * gains[std::size_t(c)] * r.student_t4();
      break;
    }
    case Init::Embedding:
    case Init::Bias:
      for (int64_t c = 0; c < cols; ++c) out[c] = t.stddev * r.normal();
      break;
    case Init::Norm:
      for (int64_t c = 0; c < cols; ++c) out[c] = 1.0f + t.stddev * r.normal();
      break;
    case Init::SinCos:
      break;  // filled whole by fill_sincos
  }
}

}  // namespace

std::string_view preset_name(SyntheticPreset p) {
  switch (p) {
    case SyntheticPreset::DemoDiTS2: return "demo";
    case SyntheticPreset::DiTB2: return "dit-b2";
    case SyntheticPreset::DiTXL2: return "dit-xl2";
    case SyntheticPreset::Dream7B: return "dream-7b";
  }
  return "?";
}

std::optional<SyntheticPreset> preset_from_name(std::string_view name) {
  for (auto p : {SyntheticPreset::DemoDiTS2, SyntheticPreset::DiTB2, SyntheticPreset::DiTXL2, SyntheticPreset::Dream7B})
    if (preset_name(p) == name) return p;
  return std::nullopt;
}

int64_t preset_params(SyntheticPreset p) {
  int64_t n = 0;
  for (const auto& t : synth::recipe(p)) {
    int64_t e = 1;
    for (int64_t d : t.shape) e *= d;
    n += e;
  }
  return n;
}

Status write_synthetic_model(SyntheticPreset preset, const std::filesystem::path& path, uint64_t seed,
                             const std::function<void(double)>& progress) {
  const auto tensors = synth::recipe(preset);
  std::vector<SafetensorsEntry> entries;
  uint64_t total = 0;
  for (const auto& t : tensors) {
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    entries.push_back({t.name, DType::F16, t.shape, uint64_t(n) * 2});
    total += uint64_t(n) * 2;
  }
  const auto layout = layout_safetensors(
      entries, {{"generator", "arrowquant synthetic model"}, {"preset", std::string(preset_name(preset))},
                {"seed", std::to_string(seed)}});
  auto file = AtomicFile::create(path);
  if (!file) return file.error();
  if (auto s = write_safetensors_header(*file, layout); !s) return s;

  uint64_t done = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorRecipe& t = tensors[i];
    const int64_t rows = t.shape.size() >= 2 ? t.shape[0] : 1;
    const int64_t cols = int64_t(entries[i].nbytes / 2) / std::max<int64_t>(rows, 1);
    const auto gains = t.init == Init::Linear ? column_gains(seed, i, cols) : std::vector<float>{};
    const int64_t chunk_rows = std::max<int64_t>(1, (4 << 20) / std::max<int64_t>(1, cols * 2));
    std::vector<uint16_t> half;
    std::vector<float> values;
    for (int64_t r0 = 0; r0 < rows; r0 += chunk_rows) {
      const int64_t r1 = std::min(rows, r0 + chunk_rows);
      values.assign(std::size_t((r1 - r0) * cols), 0.0f);
      half.resize(values.size());
      if (t.init == Init::SinCos) {
        fill_sincos(t, r0, r1 - r0, values.data());
      } else {
        tbb::parallel_for(r0, r1, [&](int64_t r) { fill_row(t, seed, i, r, cols, gains, values.data() + (r - r0) * cols); });
      }
      for (std::size_t k = 0; k < values.size(); ++k) half[k] = f32_to_fp16(values[k]);
      const uint64_t offset = layout.offsets[i] + uint64_t(r0 * cols) * 2;
      if (auto s = file->write_at(half.data(), half.size() * 2, offset, t.name); !s) return s;
      done += half.size() * 2;
      if (progress) progress(double(done) / double(total));
    }
  }
  return file->commit();
}

std::filesystem::path demo_model_path() {
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home)
    base = std::filesystem::path(home) / ".cache";
  else
    base = std::filesystem::temp_directory_path();
  return base / "arrowquant" / "demo-dit-s2.safetensors";
}

Result<std::filesystem::path> ensure_demo_model() {
  const auto path = demo_model_path();
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return path;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return make_error(ErrorKind::Io, path.parent_path().string(), "", "cannot create folder: " + ec.message());
  if (auto s = write_synthetic_model(SyntheticPreset::DemoDiTS2, path); !s) return s.error();
  return path;
}

}  // namespace aq
