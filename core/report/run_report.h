#pragma once
// A finished run as JSON, CSV and a text table. The JSON is the one record every face reads:
// the CLI's --json/--report, the GUI's exports and the benchmark report.
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "job/job.h"

namespace aq {

/// Settings, totals, per-tensor metrics, memory timeline, machine and tool version.
/// Non-finite numbers (an exact tensor's SQNR) are written as null.
nlohmann::json run_to_json(const JobResult& result);
/// A size budget's outcome (plan/budget.h): target, chosen point, and the allocation's path and
/// frontier as [bytes, error] pairs. In the run JSON and `plan --json` under "budget".
nlohmann::json budget_to_json(const BudgetSummary& budget);
/// One row per tensor: name,dtype,shape,decision,reason,bits,group_size,symmetric,method,params,
/// input_bytes,output_bytes,bits_per_weight,cosine,rel_error,sqnr_db,max_abs_error,seconds,mb_per_s
void write_tensor_csv(const JobResult& result, std::ostream& out);
/// The per-tensor table the CLI prints (fixed-width columns).
std::string format_tensor_table(const JobResult& result);
/// The totals block the CLI prints under the table.
std::string format_totals(const JobResult& result);

/// Human sizes: "1.23 MB" style (decimal, 1e6) and "12.3 MiB" (binary).
std::string format_mb(uint64_t bytes);
std::string format_mib(uint64_t bytes);
/// A finite double as JSON, or null.
nlohmann::json json_number(double v);

}  // namespace aq
