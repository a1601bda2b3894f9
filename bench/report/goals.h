#pragma once
// One row of the report's goal table: what was aimed at, what this run measured, and whether the
// measurement meets it. Sections that measure a goal add their rows; the table shows them all.
#include <string>

namespace aqb {

enum class Status { Met, NotMet, NotMeasured };

inline std::string status_text(Status s) {
  return s == Status::Met ? "met" : s == Status::NotMet ? "NOT MET" : "not measured in this run";
}

struct Goal {
  std::string goal, target, measured, where;
  Status status = Status::NotMeasured;
};

}  // namespace aqb
