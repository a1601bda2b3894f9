#pragma once
// The report section "Calibrated quantization: speed and memory" (issue 9), from RAW/gptq.json
// (aq_bench_gptq: the compensation against Eigen's GEMM) and RAW/calibration.json (bench.sh: a
// whole model quantized with a synthetic calibration file), and its rows of the goal table.
#include <filesystem>
#include <vector>

#include "report/goals.h"
#include "report/report_document.h"

namespace aqb {

aq::ReportSection calibration_section(const std::filesystem::path& raw);
/// "a DiT-XL/2-shaped model in at most 2 minutes on 2 threads" and "streaming = batch, byte for byte".
void add_calibration_goals(const std::filesystem::path& raw, std::vector<Goal>& goals);

}  // namespace aqb
