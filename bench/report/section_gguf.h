#pragma once
// The report section "GGUF: our encoders against ggml's reference figures" (issue 8), from
// accuracy.json's gguf_matrices and gguf_model (bench/accuracy), and its rows of the goal table.
#include <vector>

#include <nlohmann/json.hpp>

#include "report/goals.h"
#include "report/report_document.h"

namespace aqb {

/// `accuracy` is accuracy.json (an empty object when absent: the section says it was not run).
aq::ReportSection gguf_section(const nlohmann::json& accuracy);
/// "every type at least ggml's SQNR" and "K types +0.3 dB on average".
void add_gguf_goals(const nlohmann::json& accuracy, std::vector<Goal>& goals);

}  // namespace aqb
