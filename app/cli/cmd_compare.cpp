#include <cstdio>
#include <iostream>

#include "cli_support.h"
#include "job/compare.h"
#include "report/run_report.h"
#include "util/display_text.h"

namespace aqcli {

static const char* const kHelp =
    "usage: arrowquant-cli compare REFERENCE OTHER [--json] [--allow-sparse]\n\n"
    "Per-tensor error of OTHER against REFERENCE: cosine similarity, SQNR, relative Frobenius error\n"
    "and max absolute error. Either file may be an ArrowQuant packed file or a GGUF file (decoded on\n"
    "the fly). Tensors missing on one side or of different shape are listed; the exit code is 2 then.\n";

int cmd_compare(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h")) return std::fputs(kHelp, stdout), kOk;
  const bool json = args.flag("--json");
  aq::OpenOptions open;
  open.allow_sparse = args.flag("--allow-sparse");
  const auto pos = args.positionals();
  if (!args.ok()) return usage_error(args.error(), "compare");
  if (pos.size() != 2) return usage_error("expected REFERENCE and OTHER", "compare");
  auto c = aq::compare_models(pos[0], pos[1], open);
  if (!c) return report_error(c.error());
  const aq::TensorMetrics total = aq::metrics_from(c->total);
  if (json) {
    nlohmann::json j;
    j["reference"] = pos[0];
    j["other"] = pos[1];
    j["tensors"] = nlohmann::json::array();
    for (const auto& t : c->tensors) {
      nlohmann::json e = {{"name", t.name}, {"shape", t.shape}, {"status", std::string(aq::compare_status_name(t.status))}};
      if (t.status == aq::CompareStatus::Compared) {
        e["cosine"] = aq::json_number(t.metrics.cosine);
        e["rel_error"] = aq::json_number(t.metrics.rel_fro_error);
        e["sqnr_db"] = aq::json_number(t.metrics.sqnr_db);
        e["max_abs_error"] = aq::json_number(t.metrics.max_abs_error);
      }
      j["tensors"].push_back(e);
    }
    j["totals"] = {{"compared", c->compared}, {"problems", c->problems}, {"cosine", aq::json_number(total.cosine)},
                   {"rel_error", aq::json_number(total.rel_fro_error)}, {"sqnr_db", aq::json_number(total.sqnr_db)},
                   {"max_abs_error", aq::json_number(total.max_abs_error)}};
    std::cout << json_text(j) << "\n";
  } else {
    std::printf("%-56s %-15s %10s %9s %10s %12s\n", "tensor", "status", "cosine", "SQNR dB", "rel err", "max |err|");
    for (const auto& t : c->tensors) {
      if (t.status == aq::CompareStatus::Compared)
        std::printf("%-56s %-15s %10.6f %9.2f %10.5f %12.6g\n", aq::display_text(t.name, 56).c_str(), "compared", t.metrics.cosine,
                    t.metrics.sqnr_db, t.metrics.rel_fro_error, t.metrics.max_abs_error);
      else
        std::printf("%-56s %-15s\n", aq::display_text(t.name, 56).c_str(), std::string(aq::compare_status_name(t.status)).c_str());
    }
    std::printf("\n%zu tensors compared, %zu problems; all compared weights: cosine %.6f, SQNR %.2f dB, rel error %.5f, "
                "max |err| %.6g\n",
                c->compared, c->problems, total.cosine, total.sqnr_db, total.rel_fro_error, total.max_abs_error);
  }
  return c->problems ? kBadInput : kOk;
}

}  // namespace aqcli
