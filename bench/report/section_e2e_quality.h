#pragma once
// The report section "End to end on a real diffusion model" (issue 9): float against dequantized
// weights on the MNIST DDPM, from RAW/e2e_quality.json (written by bench/e2e_quality.py).
#include <filesystem>
#include <string>

#include "report/report_document.h"

namespace aqb {

/// The section, from raw / "e2e_quality.json". An absent file or a skipped run gives a section that
/// says so and how to run it. Charts are written to `assets` and referenced as `prefix` + file name.
aq::ReportSection e2e_quality_section(const std::filesystem::path& raw, const std::filesystem::path& assets,
                                      const std::string& prefix);

}  // namespace aqb
