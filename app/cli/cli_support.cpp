#include "cli_support.h"

#include "io/atomic_file.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace aqcli {
namespace {
aq::CancelToken g_token;
extern "C" void on_signal(int) {
  g_token.cancel();  // a relaxed atomic store: async-signal-safe
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
    case aq::ErrorKind::BadArgument: return kUsage;
  }
  return kInternal;
}

int usage_error(const std::string& message, const char* command) {
  std::fprintf(stderr, "arrowquant-cli %s: %s\nRun 'arrowquant-cli %s --help' for usage.\n", command, message.c_str(),
               command);
  return kUsage;
}

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

aq::CancelToken& interrupt_token() { return g_token; }

std::string json_text(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool write_text_file(const std::string& path, const std::string& text) {
  auto file = aq::AtomicFile::create(path);
  aq::Status s = file ? file->write_at(text.data(), text.size(), 0) : aq::Status(file.error());
  if (s) s = file->commit();
  if (!s) std::fprintf(stderr, "arrowquant-cli: cannot write: %s\n", s.error().message().c_str());
  return bool(s);
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace aqcli
