#include "job/dequantize.h"

#include <algorithm>
#include <vector>

#include "io/file_stamp.h"
#include "io/logical_model.h"
#include "io/output_guard.h"
#include "io/packed_format.h"
#include "io/safetensors_layout.h"
#include "job/job.h"
#include "tensor/half.h"

namespace aq {

Result<DequantizeSummary> dequantize_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                          DType dtype, const CancelToken* cancel,
                                          const std::function<void(double)>& progress, const OpenOptions& open) {
  if (dtype != DType::F16 && dtype != DType::F32)
    return make_error(ErrorKind::BadInput, output.string(), "", "output dtype must be F16 or F32");
  if (output.extension() != ".safetensors")
    return make_error(ErrorKind::BadArgument, output.string(), "", "dequantize writes safetensors: name the output *.safetensors");
  auto model = LogicalModel::open(input, open);
  if (!model) return model.error();
  // A GGUF file is always a runtime's file: its tensors come back as safetensors, decoded or not.
  if (!model->packed() && model->source().format() != "gguf")
    return make_error(ErrorKind::BadInput, input.string(), "", "not an ArrowQuant packed or GGUF file: nothing to dequantize");
  const auto inputs = input_files(model->source());
  if (auto s = check_outputs({{output, "output"}}, inputs); !s) return s.error();
  const auto stamps = stamp_files(inputs);

  const auto& tensors = model->tensors();
  const auto& source = model->source();
  std::vector<SafetensorsEntry> entries;
  for (const auto& t : tensors) {
    if (t.quantized)
      entries.push_back({t.name, dtype, t.shape, uint64_t(t.rows * t.cols) * dtype_size(dtype)});
    else
      entries.push_back({t.name, t.dtype, t.shape, source.tensors()[t.data].nbytes});
  }
  // A GGUF file's keys are the runtime's, not the model's: only a packed file carries the source's.
  auto metadata = source.format() == "gguf" ? std::map<std::string, std::string>() : packed::original_metadata(source.metadata());
  metadata["dequantized_from"] = input.filename().string();
  const auto layout = layout_safetensors(entries, metadata);
  auto file = AtomicFile::create(output);
  if (!file) return file.error();
  if (auto s = write_safetensors_header(*file, layout); !s) return s.error();

  DequantizeSummary summary;
  summary.tensors = tensors.size();
  uint64_t total = 0, done = 0;
  for (const auto& e : entries) total += e.nbytes;
  std::vector<float> rows;
  std::vector<std::byte> scratch, converted;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const LogicalTensor& t = tensors[i];
    const TensorInfo& stored = source.tensors()[t.data];
    const int64_t row_out = t.quantized ? t.cols * int64_t(dtype_size(dtype)) : int64_t(stored.row_bytes());
    const int64_t block = std::max<int64_t>(1, (8 << 20) / std::max<int64_t>(1, row_out));
    const int64_t n_rows = t.quantized ? t.rows : stored.rows();
    for (int64_t r0 = 0; r0 < n_rows && stored.numel() > 0; r0 += block) {
      if (cancel && cancel->cancelled()) return make_error(ErrorKind::Cancelled, output.string(), t.name, "cancelled by the user");
      const int64_t r1 = std::min(n_rows, r0 + block);
      const std::byte* bytes = nullptr;
      if (t.quantized) {
        if (auto s = model->read_float_rows(t, r0, r1, rows); !s) return s.error();
        if (dtype == DType::F32) {
          bytes = reinterpret_cast<const std::byte*>(rows.data());
        } else {
          converted.resize(rows.size() * 2);
          auto* h = reinterpret_cast<uint16_t*>(converted.data());
          for (std::size_t k = 0; k < rows.size(); ++k) h[k] = f32_to_fp16(rows[k]);
          bytes = converted.data();
        }
      } else {
        auto raw = source.read_rows(t.data, r0, r1, scratch);
        if (!raw) return raw.error();
        bytes = *raw;
      }
      const uint64_t n = uint64_t(r1 - r0) * uint64_t(row_out);
      const Status written = file->write_at(bytes, n, layout.offsets[i] + uint64_t(r0) * uint64_t(row_out), t.name);
      if (auto s = source.check_read(t.data); !s) return s.error();  // the input shrank: blame it, not the output
      if (!written) return written.error();
      done += n;
      if (progress && total) progress(double(done) / double(total));
    }
    summary.dequantized += t.quantized ? 1 : 0;
  }
  if (auto s = verify_unchanged(stamps); !s) return s.error();
  if (auto s = file->commit(); !s) return s.error();
  summary.output_bytes = layout.file_size;
  return summary;
}

}  // namespace aq
