#pragma once
// What the commands share: turning errors into messages and exit codes, Ctrl+C as a cancel.
#include <string>

#include <nlohmann/json.hpp>

#include "args.h"
#include "commands.h"
#include "job/job.h"
#include "util/result.h"

namespace aqcli {

/// Prints "arrowquant-cli: error: MESSAGE" to stderr and returns the exit code for the error.
int report_error(const aq::Error& error);
int usage_error(const std::string& message, const char* command);
/// Installed first thing in main, so that a signal in the first milliseconds cancels cleanly
/// too: Ctrl+C (SIGINT) and SIGTERM cancel interrupt_token() instead of killing the process.
void install_interrupt_handler();
aq::CancelToken& interrupt_token();
/// JSON text that never throws: names that are not UTF-8 are shown with U+FFFD.
std::string json_text(const nlohmann::json& j);
/// Writes `text` to `path` all or nothing (temporary file and rename). False on failure,
/// after printing why.
bool write_text_file(const std::string& path, const std::string& text);
bool stderr_is_terminal();

}  // namespace aqcli
