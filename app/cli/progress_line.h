#pragma once
// The job observer of the CLI: a one-line progress display on a terminal (percent, tensors,
// MB/s, ETA), warnings and errors on stderr, and the plan's decisions with --verbose.
#include <chrono>
#include <string>

#include "job/job.h"

namespace aqcli {

class ProgressLine : public aq::JobObserver {
 public:
  ProgressLine(bool show_progress, bool verbose) : show_(show_progress), verbose_(verbose) {}
  ~ProgressLine() override { finish(); }

  void on_progress(const aq::Progress& p) override;
  void on_log(aq::LogLevel level, const std::string& message) override;
  /// Clears the progress line so normal output starts on a clean line.
  void finish();

 private:
  bool show_;
  bool verbose_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace aqcli
