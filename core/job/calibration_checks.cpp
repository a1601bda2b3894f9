#include "job/calibration_checks.h"

#include "io/model_source.h"

namespace aq {

Result<std::unique_ptr<CalibrationFile>> open_calibration(const CalibrationOptions& options, const ModelSource& source,
                                                          const Plan& plan, std::vector<std::string>& warnings) {
  auto file = CalibrationFile::open(options.file);
  if (!file) return file.error();
  const CalibrationFile& cal = **file;
  const std::string path = options.file.string();
  if (!options.timestep_weights.empty() && int(options.timestep_weights.size()) != cal.buckets())
    return make_error(ErrorKind::BadArgument, path, "",
                      "--timestep-weights gives " + std::to_string(options.timestep_weights.size()) +
                          " weights, but the calibration file has " + std::to_string(cal.buckets()) + " buckets");
  std::size_t matched = 0, quantized = 0;
  std::vector<std::string> missing;
  for (const TensorPlan& p : plan.tensors) {
    if (!p.quantized()) continue;
    ++quantized;
    const TensorInfo& t = source.tensors()[p.index];
    const CalibrationLayer* layer = cal.find(t.name);
    if (!layer) {
      missing.push_back(t.name);
      continue;
    }
    ++matched;
    if (layer->k != p.layout.cols)
      return make_error(ErrorKind::BadInput, path, t.name,
                        "calibration: recorded for " + std::to_string(layer->k) + " input features, but the tensor has " +
                            std::to_string(p.layout.cols) + " columns (shape " + t.shape_string() +
                            "): the file is for another model or another layout");
  }
  if (quantized > 0 && matched == 0)
    return make_error(ErrorKind::BadInput, path, "",
                      "calibration: none of the " + std::to_string(cal.layer_count()) +
                          " layers in the file names a tensor this run quantizes (a file for another model?)");
  if (missing.size() == 1) {
    warnings.push_back("no calibration data for '" + missing[0] + "': quantized without it (data-free)");
  } else if (!missing.empty()) {
    std::string names;
    for (std::size_t i = 0; i < missing.size() && i < 3; ++i) names += (i ? ", '" : "'") + missing[i] + "'";
    if (missing.size() > 3) names += " and " + std::to_string(missing.size() - 3) + " more";
    warnings.push_back("no calibration data for " + std::to_string(missing.size()) + " of " + std::to_string(quantized) +
                       " quantized tensors (" + names + "): quantized without it (data-free)");
  }
  return std::move(*file);
}

std::string calibration_status(const CalibrationFile& file, const ModelSource& source, const TensorPlan& plan) {
  if (!plan.quantized()) return "";
  const CalibrationLayer* layer = file.find(source.tensors()[plan.index].name);
  if (!layer) return "none (data-free)";
  return layer->diagonal ? "diagonal only (no compensation)" : "H, " + std::to_string(file.buckets()) + " buckets";
}

}  // namespace aq
