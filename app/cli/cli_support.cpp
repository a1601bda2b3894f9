#include "cli_support.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace aqcli {
namespace {
aq::CancelToken* g_token = nullptr;
extern "C" void on_signal(int) {
  if (g_token) g_token->cancel();  // a relaxed atomic store: async-signal-safe
}
}  // namespace

int report_error(const aq::Error& error) {
  std::fprintf(stderr, "arrowquant-cli: %s: %s\n", std::string(aq::error_kind_name(error.kind)).c_str(),
               error.message().c_str());
  switch (error.kind) {
    case aq::ErrorKind::BadInput:
    case aq::ErrorKind::Unsupported: return kBadInput;
    case aq::ErrorKind::Io: return kIoError;
    case aq::ErrorKind::Cancelled: return kCancelled;
    case aq::ErrorKind::Internal: return kInternal;
  }
  return kInternal;
}

int usage_error(const std::string& message, const char* command) {
  std::fprintf(stderr, "arrowquant-cli %s: %s\nRun 'arrowquant-cli %s --help' for usage.\n", command, message.c_str(),
               command);
  return kUsage;
}

void cancel_on_interrupt(aq::CancelToken& token) {
  g_token = &token;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace aqcli
