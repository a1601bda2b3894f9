#pragma once
// Speed: the machine's roof, the row kernels per scheme and thread count, and numpy.
#include <vector>

#include "report/report_inputs.h"

namespace aqb {

std::vector<aq::ReportSection> speed_sections(const Inputs& in, Writer& w);

}  // namespace aqb
