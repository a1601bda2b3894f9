#include <cstdio>
#include <iostream>

#include "cli_support.h"
#include "io/model_source.h"
#include "report/model_summary.h"

namespace aqcli {

static const char* const kHelp =
    "usage: arrowquant-cli inspect MODEL [--json]\n\n"
    "Lists a model's tensors, parameters, bytes and dtypes, its largest tensors and the model family\n"
    "guessed from tensor names. MODEL is a .safetensors file, a sharded *.safetensors.index.json, a\n"
    "diffusers folder, or an HDF5 file (.h5/.hdf5).\n\n"
    "  --json            machine-readable output, including every tensor\n"
    "  --allow-sparse    read HDF5 datasets that are not fully written or declare far more data than\n"
    "                    the file holds\n";

int cmd_inspect(int argc, char** argv) {
  Args args(argc, argv, 2);
  if (args.flag("--help", "-h")) return std::fputs(kHelp, stdout), kOk;
  const bool json = args.flag("--json");
  aq::OpenOptions open;
  open.allow_sparse = args.flag("--allow-sparse");
  const auto pos = args.positionals();
  if (!args.ok()) return usage_error(args.error(), "inspect");
  if (pos.size() != 1) return usage_error("expected one MODEL", "inspect");
  auto source = aq::open_model(pos[0], open);
  if (!source) return report_error(source.error());
  const auto summary = aq::summarize(**source);
  if (json)
    std::cout << json_text(aq::summary_to_json(summary, **source)) << "\n";
  else
    std::cout << aq::format_summary(summary, **source);
  return kOk;
}

}  // namespace aqcli
