#include <string>
#include <vector>

#include "io/model_source.h"
#include "io/packed_format.h"
#include "io/packed_writer.h"
#include "io/safetensors_layout.h"
#include "plan/plan.h"

namespace aq {
namespace {

// Where each source tensor's pieces live in the output file.
struct Placement {
  uint64_t codes = 0, scales = 0, zeros = 0, raw = 0;
  int64_t row_bytes = 0;        // codes bytes per row (quantized) or raw bytes per row (kept)
  int64_t groups_per_row = 0;
};

class SafetensorsPackedWriter final : public PackedWriter {
 public:
  SafetensorsPackedWriter(AtomicFile file, std::vector<Placement> placements, std::vector<std::string> names)
      : file_(std::move(file)), placements_(std::move(placements)), names_(std::move(names)) {}

  Status write_block(std::size_t t, int64_t r0, int64_t r1, const BlockData& d) override {
    const Placement& p = placements_[t];
    const uint64_t n = uint64_t(r1 - r0);
    if (d.raw) return file_.write_at(d.raw, n * p.row_bytes, p.raw + uint64_t(r0) * p.row_bytes, names_[t]);
    const uint64_t sbytes = n * p.groups_per_row * 2, soff = uint64_t(r0) * p.groups_per_row * 2;
    if (auto s = file_.write_at(d.codes, n * p.row_bytes, p.codes + uint64_t(r0) * p.row_bytes, names_[t]); !s) return s;
    if (auto s = file_.write_at(d.scales, sbytes, p.scales + soff, names_[t]); !s) return s;
    if (d.zeros) return file_.write_at(d.zeros, sbytes, p.zeros + soff, names_[t]);
    return {};
  }

  Result<uint64_t> commit() override {
    if (auto s = file_.commit(); !s) return s.error();
    std::error_code ec;
    return uint64_t(std::filesystem::file_size(file_.destination(), ec));
  }

  void abort() override { file_.abort(); }

 private:
  AtomicFile file_;
  std::vector<Placement> placements_;
  std::vector<std::string> names_;
};

}  // namespace

Result<std::unique_ptr<PackedWriter>> open_safetensors_writer(const std::filesystem::path& output,
                                                              const ModelSource& source, const Plan& plan) {
  const auto& tensors = source.tensors();
  std::vector<SafetensorsEntry> entries;
  std::vector<packed::QuantizedTensor> described;
  for (const auto& tp : plan.tensors) {
    const TensorInfo& t = tensors[tp.index];
    if (!tp.quantized()) {
      entries.push_back({t.name, t.dtype, t.shape, t.nbytes});
      continue;
    }
    const PackedLayout& l = tp.layout;
    entries.push_back({t.name + std::string(packed::kCodesSuffix), DType::U8, {l.rows, l.row_bytes}, l.codes_bytes});
    entries.push_back({t.name + std::string(packed::kScalesSuffix), DType::F16, {l.rows, l.groups_per_row}, l.scales_bytes});
    if (!tp.scheme.symmetric)
      entries.push_back({t.name + std::string(packed::kZerosSuffix), DType::F16, {l.rows, l.groups_per_row}, l.zeros_bytes});
    described.push_back({t.name, t.dtype, t.shape, tp.scheme, l});
  }
  const auto layout = layout_safetensors(entries, packed::file_metadata(described, source.path().filename().string(), source.metadata()));

  auto file = AtomicFile::create(output);
  if (!file) return file.error();
  if (auto s = write_safetensors_header(*file, layout); !s) return s.error();

  std::vector<Placement> placements(tensors.size());
  std::vector<std::string> names(tensors.size());
  std::size_t e = 0;
  for (const auto& tp : plan.tensors) {
    Placement& p = placements[tp.index];
    names[tp.index] = tensors[tp.index].name;
    if (!tp.quantized()) {
      p.raw = layout.offsets[e++];
      p.row_bytes = int64_t(tensors[tp.index].row_bytes());
      continue;
    }
    p.codes = layout.offsets[e++];
    p.scales = layout.offsets[e++];
    if (!tp.scheme.symmetric) p.zeros = layout.offsets[e++];
    p.row_bytes = tp.layout.row_bytes;
    p.groups_per_row = tp.layout.groups_per_row;
  }
  return std::unique_ptr<PackedWriter>(
      new SafetensorsPackedWriter(std::move(*file), std::move(placements), std::move(names)));
}

Result<std::unique_ptr<PackedWriter>> open_packed_writer(const std::filesystem::path& output,
                                                         const ModelSource& source, const Plan& plan) {
  const auto ext = output.extension().string();
  if (ext == ".h5" || ext == ".hdf5") return open_hdf5_writer(output, source, plan);
  return open_safetensors_writer(output, source, plan);
}

}  // namespace aq
