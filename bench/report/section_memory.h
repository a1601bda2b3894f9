#pragma once
// Memory (peak resident memory against model size, where it goes) and scaling (threads, model size).
#include <vector>

#include "report/report_inputs.h"

namespace aqb {

std::vector<aq::ReportSection> memory_sections(const Inputs& in, Writer& w);
aq::ReportSection scaling_section(const Inputs& in, Writer& w);

}  // namespace aqb
