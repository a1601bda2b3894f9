// The quantized model as GGUF (gguf/gguf_file.h), for ggml runtimes. Every tensor's type and size
// is in the plan, so the header is written first and the data arrives block by block, in any
// order, at fixed offsets: streaming and batch write identical bytes.
#include <algorithm>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/gguf_names.h"
#include "io/atomic_file.h"
#include "io/model_source.h"
#include "io/packed_writer.h"
#include "plan/plan.h"
#include "util/display_text.h"

namespace aq {
namespace {

class GgufWriter final : public PackedWriter {
 public:
  GgufWriter(AtomicFile file, std::vector<uint64_t> offsets, std::vector<uint64_t> row_bytes,
             std::vector<std::string> names)
      : file_(std::move(file)), offsets_(std::move(offsets)), row_bytes_(std::move(row_bytes)), names_(std::move(names)) {}

  Status write_block(std::size_t t, int64_t r0, int64_t r1, const BlockData& d) override {
    const void* bytes = d.raw ? static_cast<const void*>(d.raw) : d.plane(0);
    return file_.write_at(bytes, uint64_t(r1 - r0) * row_bytes_[t], offsets_[t] + uint64_t(r0) * row_bytes_[t], names_[t]);
  }

  Result<uint64_t> commit() override { return file_.commit_and_size(); }

  void abort() override { file_.abort(); }

 private:
  AtomicFile file_;
  std::vector<uint64_t> offsets_;    // absolute, per source tensor
  std::vector<uint64_t> row_bytes_;  // per source tensor
  std::vector<std::string> names_;
};

Error refuse(const std::filesystem::path& output, const std::string& tensor, const std::string& why) {
  return make_error(ErrorKind::BadArgument, output.string(), tensor, why);
}

// Everything about the file that the plan decides: the header's bytes and where each tensor goes.
struct GgufLayout {
  std::string head;                  // header and padding up to the data section
  std::vector<uint64_t> offsets;     // absolute, per source tensor
  std::vector<uint64_t> row_bytes;   // per source tensor
  uint64_t file_bytes = 0;           // the file ends where its last tensor ends
};

Result<GgufLayout> layout_gguf(const std::filesystem::path& output, const ModelSource& source, const Plan& plan) {
  const auto& tensors = source.tensors();
  gguf::Header header;
  header.metadata = gguf::file_metadata(plan);
  std::vector<std::size_t> order;  // plan order = processing order
  for (const auto& tp : plan.tensors) {
    const TensorInfo& t = tensors[tp.index];
    gguf::TensorEntry e;
    e.name = t.name;
    e.shape = t.shape;
    if (tp.quantized()) {
      e.type = gguf::GgmlType(tp.scheme.ggml_type);
    } else {
      const auto type = gguf::ggml_type_for(t.dtype);
      if (!type) return refuse(output, t.name, "GGUF has no type for " + std::string(dtype_name(t.dtype)) + " tensors");
      e.type = *type;
    }
    if (t.numel() == 0) return refuse(output, t.name, "GGUF cannot store a tensor with a zero dimension " + t.shape_string());
    // GGUF tensors have at most 4 dimensions: fold the outer ones and record the shape, as
    // ComfyUI-GGUF does for 5-D video convolutions.
    if (e.shape.size() > std::size_t(gguf::kMaxDims)) {
      header.metadata.emplace_back(gguf::orig_shape_key(t.name), gguf::Value::i32_array(t.shape));
      e.shape = gguf::fold_shape(t.shape);
    }
    const auto bytes = gguf::tensor_bytes(e.type, e.shape);
    if (!bytes || *bytes != (tp.quantized() ? tp.layout.total_bytes() : t.nbytes))
      return make_error(ErrorKind::Internal, output.string(), t.name, "GGUF size disagrees with the plan");
    e.bytes = *bytes;
    header.tensors.push_back(std::move(e));
    order.push_back(tp.index);
  }
  GgufLayout layout;
  layout.head = gguf::write_header(header);
  layout.file_bytes = layout.head.size();
  layout.offsets.resize(tensors.size());
  layout.row_bytes.resize(tensors.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    const TensorPlan& tp = plan.tensors[i];
    layout.offsets[i] = header.data_begin + header.tensors[k].offset;
    layout.row_bytes[i] = tp.quantized() ? uint64_t(tp.layout.row_bytes) : tensors[i].row_bytes();
    layout.file_bytes = std::max(layout.file_bytes, layout.offsets[i] + header.tensors[k].bytes);
  }
  return layout;
}

}  // namespace

Result<uint64_t> gguf_file_bytes(const ModelSource& source, const Plan& plan) {
  auto layout = layout_gguf(source.path(), source, plan);
  if (!layout) return layout.error();
  return layout->file_bytes;
}

Result<std::unique_ptr<PackedWriter>> open_gguf_writer(const std::filesystem::path& output, const ModelSource& source,
                                                       const Plan& plan) {
  auto layout = layout_gguf(output, source, plan);
  if (!layout) return layout.error();
  auto file = AtomicFile::create(output);
  if (!file) return file.error();
  if (auto s = file->write_at(layout->head.data(), layout->head.size(), 0); !s) return s.error();
  // The padding between tensors stays zero (a sparse hole).
  std::vector<std::string> names;
  for (const auto& t : source.tensors()) names.push_back(t.name);
  return std::unique_ptr<PackedWriter>(new GgufWriter(std::move(*file), std::move(layout->offsets),
                                                      std::move(layout->row_bytes), std::move(names)));
}

}  // namespace aq
