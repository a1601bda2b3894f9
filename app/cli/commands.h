#pragma once
// The arrowquant-cli commands. Each returns the process exit code.

namespace aqcli {

// Exit codes (also in `arrowquant-cli --help` and the README).
enum ExitCode : int {
  kOk = 0,
  kUsage = 1,      // bad arguments
  kBadInput = 2,   // the model file is malformed, unsupported, or has non-finite weights
  kIoError = 3,    // cannot read or write (missing file, permission, disk full)
  kCancelled = 4,  // interrupted (Ctrl+C); no output file is left behind
  kInternal = 5,   // a bug
};

int cmd_inspect(int argc, char** argv);
int cmd_quantize(int argc, char** argv);
int cmd_plan(int argc, char** argv);
int cmd_dequantize(int argc, char** argv);
int cmd_compare(int argc, char** argv);
int cmd_make_model(int argc, char** argv);
int cmd_make_calibration(int argc, char** argv);
int cmd_demo(int argc, char** argv);
int cmd_rules(int argc, char** argv);

}  // namespace aqcli
