#include "progress_line.h"

#include "util/display_text.h"

#include <cstdio>

namespace aqcli {

void ProgressLine::on_progress(const aq::Progress& p) {
  if (!show_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool final = p.bytes_done >= p.bytes_total;
  if (!final && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  std::string name = aq::escape_text(p.current);
  if (name.size() > 40) name = "..." + name.substr(name.size() - 37);
  std::fprintf(stderr, "\r\033[K[%3.0f%%] %zu/%zu tensors  %7.1f MB/s  ETA %5.1f s  %s", 100.0 * p.fraction(),
               p.tensors_done, p.tensors_total, p.mb_per_s, p.eta_s, name.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::on_log(aq::LogLevel level, const std::string& message) {
  // Errors are reported once, by the command, with their exit code.
  if (level == aq::LogLevel::Error || (level == aq::LogLevel::Info && !verbose_)) return;
  finish();
  std::fprintf(stderr, "%s%s\n", level == aq::LogLevel::Warning ? "warning: " : "", aq::escape_text(message).c_str());
}

void ProgressLine::finish() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace aqcli
