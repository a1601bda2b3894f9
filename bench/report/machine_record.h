#pragma once
// The machine the benchmarks ran on, recorded in RAW/machine.json by bench.sh when they run, so that
// a report regenerated later (or elsewhere) names the machine that produced its figures, not the
// one that formatted them.
#include <filesystem>
#include <optional>
#include <string>

#include "sys/machine.h"

namespace aqb {

struct RecordedMachine {
  aq::MachineInfo info;
  std::string cpu_details;  // family / model / stepping and the flags that matter here
};

/// This machine, now.
RecordedMachine this_machine();
bool write_machine_record(const std::filesystem::path& file, const RecordedMachine& m);
/// The record, or nothing when the file is absent or unreadable.
std::optional<RecordedMachine> read_machine_record(const std::filesystem::path& file);

}  // namespace aqb
