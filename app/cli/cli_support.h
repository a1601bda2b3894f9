#pragma once
// What the commands share: turning errors into messages and exit codes, Ctrl+C as a cancel.
#include <string>

#include "args.h"
#include "commands.h"
#include "job/job.h"
#include "util/result.h"

namespace aqcli {

/// Prints "arrowquant-cli: error: MESSAGE" to stderr and returns the exit code for the error.
int report_error(const aq::Error& error);
int usage_error(const std::string& message, const char* command);
/// Ctrl+C (SIGINT) and SIGTERM cancel this token instead of killing the process.
void cancel_on_interrupt(aq::CancelToken& token);
bool stderr_is_terminal();

}  // namespace aqcli
