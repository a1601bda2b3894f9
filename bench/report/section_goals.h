#pragma once
// The goal table at the top of the benchmark report: each goal of issues 4, 8 and 9 with its
// target (report/goal_targets.h), this run's measured value and whether it is met.
#include <vector>

#include "report/goals.h"
#include "report/report_inputs.h"

namespace aqb {

/// Collects every goal into `goals` and returns the section that shows them.
aq::ReportSection goals_section(const Inputs& in, std::vector<Goal>& goals);

}  // namespace aqb
