#pragma once
// The options `quantize` and `plan` share, parsed into a JobConfig.
#include <optional>
#include <string>

#include "args.h"
#include "job/job.h"

namespace aqcli {

/// Takes --bits, --group-size, --symmetric/--asymmetric, --method, --mode, --threads, --keep,
/// --rule, --min-elements, --no-default-keep, --block-mb out of `args`. Returns an error message
/// or nullopt.
std::optional<std::string> parse_quantize_options(Args& args, aq::JobConfig& config);

/// The help text of those options.
extern const char* const kQuantizeOptionsHelp;

}  // namespace aqcli
