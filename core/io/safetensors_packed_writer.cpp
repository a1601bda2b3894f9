#include <string>
#include <vector>

#include "io/model_source.h"
#include "io/packed_format.h"
#include "io/packed_writer.h"
#include "io/safetensors_layout.h"
#include "plan/plan.h"
#include "quant/scheme_traits.h"

namespace aq {
namespace {

// Where each source tensor's pieces live in the output file: one entry per plane (quantized) or
// the raw bytes (kept).
struct Placement {
  std::vector<uint64_t> offsets;    // per plane; or one, the raw bytes
  std::vector<uint64_t> row_bytes;  // per plane
};

class SafetensorsPackedWriter final : public PackedWriter {
 public:
  SafetensorsPackedWriter(AtomicFile file, std::vector<Placement> placements, std::vector<std::string> names)
      : file_(std::move(file)), placements_(std::move(placements)), names_(std::move(names)) {}

  Status write_block(std::size_t t, int64_t r0, int64_t r1, const BlockData& d) override {
    const Placement& p = placements_[t];
    const uint64_t n = uint64_t(r1 - r0);
    if (d.raw) return file_.write_at(d.raw, n * p.row_bytes[0], p.offsets[0] + uint64_t(r0) * p.row_bytes[0], names_[t]);
    for (std::size_t i = 0; i < p.offsets.size(); ++i)
      if (auto s = file_.write_at(d.plane(i), n * p.row_bytes[i], p.offsets[i] + uint64_t(r0) * p.row_bytes[i], names_[t]);
          !s)
        return s;
    return {};
  }

  Result<uint64_t> commit() override { return file_.commit_and_size(); }

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
    for (const Plane& plane : packed_planes(tp.layout, tp.scheme))
      entries.push_back({t.name + std::string(plane.suffix), plane.dtype, {plane.rows, plane.per_row}, plane.bytes()});
    described.push_back({t.name, t.dtype, t.shape, tp.scheme, tp.layout});
  }
  const auto layout = layout_safetensors(
      entries, packed::file_metadata(described, source.path().filename().string(), source.metadata()));

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
      p.offsets = {layout.offsets[e++]};
      p.row_bytes = {tensors[tp.index].row_bytes()};
      continue;
    }
    for (const Plane& plane : packed_planes(tp.layout, tp.scheme)) {
      p.offsets.push_back(layout.offsets[e++]);
      p.row_bytes.push_back(uint64_t(plane.per_row) * dtype_size(plane.dtype));
    }
  }
  return std::unique_ptr<PackedWriter>(
      new SafetensorsPackedWriter(std::move(*file), std::move(placements), std::move(names)));
}

}  // namespace aq
