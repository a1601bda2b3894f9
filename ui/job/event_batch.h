#pragma once
// Observer events collected on the worker side between two deliveries to the GUI thread.
#include <optional>
#include <string>
#include <vector>

#include "job/job.h"

namespace aqui {

struct LogEntry {
  aq::LogLevel level = aq::LogLevel::Info;
  std::string message;
};

struct EventBatch {
  std::optional<aq::Plan> plan;           // set once, when the job has planned
  std::vector<aq::TensorResult> tensors;  // every finished tensor, none dropped
  std::optional<aq::Progress> progress;   // only the latest matters
  std::vector<aq::MemorySample> memory;   // every sample (the chart wants the whole timeline)
  std::vector<LogEntry> logs;

  bool empty() const {
    return !plan && tensors.empty() && !progress && memory.empty() && logs.empty();
  }
};

}  // namespace aqui
