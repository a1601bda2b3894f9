#pragma once
// A job as the arrowquant-cli command that runs it: what the desktop application's "Copy the
// command line" gives, so a run set up in the window can be scripted. The CLI's own option parser
// reads it back to the same JobConfig (tests/job/command_line_test.cpp).
#include <string>
#include <vector>

#include "job/job.h"

namespace aq {

/// {"arrowquant-cli", "quantize", INPUT, "-o", OUTPUT (or "--dry-run"), options...}: every
/// setting that differs from the CLI's default, the scheme always, the rules in their order.
std::vector<std::string> quantize_command(const JobConfig& config);

}  // namespace aq
