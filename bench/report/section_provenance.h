#pragma once
// How the report was made (profile, commands, load, method) and the list of raw files.
#include <vector>

#include "report/report_inputs.h"

namespace aqb {

aq::ReportSection method_section(const Inputs& in);
aq::ReportSection raw_section(const std::filesystem::path& raw, const std::filesystem::path& md_dir);

}  // namespace aqb
