#pragma once
// Accuracy: the test matrices against the reference figures issue 4 quotes, and per-layer
// distributions on each model.
#include <vector>

#include "report/report_inputs.h"

namespace aqb {

std::vector<aq::ReportSection> accuracy_sections(const Inputs& in, Writer& w);

}  // namespace aqb
