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

/// For a GGUF output (-o *.gguf) without --type: the type nearest --bits, with a note on stderr.
/// For --type with another output: an error message.
std::optional<std::string> settle_output_type(const std::string& output, aq::JobConfig& config, bool explicit_type);

/// The help text of those options.
extern const char* const kQuantizeOptionsHelp;

}  // namespace aqcli
