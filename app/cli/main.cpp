// arrowquant-cli: the headless face of the engine.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string_view>

#include "cli_support.h"
#include "commands.h"
#include "io/fault_guard.h"
#include "util/display_text.h"

namespace {

const char* const kHelp =
    "usage: arrowquant-cli COMMAND [options]\n\n"
    "commands:\n"
    "  inspect MODEL                 tensors, parameters, dtypes, largest tensors, model family\n"
    "  plan MODEL [options]          what quantize would do, the output size, and a measured time estimate\n"
    "  quantize MODEL -o OUT         quantize to packed safetensors or HDF5, with per-tensor error figures\n"
    "  dequantize QUANTIZED -o OUT   restore an ordinary F16/F32 safetensors file\n"
    "  compare REFERENCE OTHER       per-tensor error of one model against another\n"
    "  make-model PRESET -o OUT      write a synthetic model (demo, dit-b2, dit-xl2, dream-7b)\n"
    "  make-calibration MODEL -o OUT write a synthetic calibration file for MODEL (docs/CALIBRATION.md)\n"
    "  demo                          create the built-in demo model and print its path\n"
    "  rules                         print the built-in keep rules\n\n"
    "Run 'arrowquant-cli COMMAND --help' for a command's options.\n\n"
    "exit codes: 0 success, 1 bad arguments, 2 bad input (malformed, unsupported or non-finite\n"
    "weights; compare: tensors missing or mismatched), 3 I/O error (missing file, disk full),\n"
    "4 cancelled (Ctrl+C; no output left behind), 5 internal error\n";

struct Command {
  const char* name;
  int (*run)(int, char**);
};

constexpr Command kCommands[] = {
    {"inspect", aqcli::cmd_inspect},       {"plan", aqcli::cmd_plan},       {"quantize", aqcli::cmd_quantize},
    {"dequantize", aqcli::cmd_dequantize}, {"compare", aqcli::cmd_compare}, {"make-model", aqcli::cmd_make_model},
    {"make-calibration", aqcli::cmd_make_calibration},
    {"demo", aqcli::cmd_demo},             {"rules", aqcli::cmd_rules},
};

}  // namespace

namespace {

int run(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kHelp, argc < 2 ? stderr : stdout);
    return argc < 2 ? aqcli::kUsage : aqcli::kOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("arrowquant-cli %s\n", AQ_VERSION);
    return aqcli::kOk;
  }
  for (const auto& c : kCommands)
    if (std::string_view(argv[1]) == c.name) return c.run(argc, argv);
  std::fprintf(stderr, "arrowquant-cli: unknown command '%s'\n\n%s", argv[1], kHelp);
  return aqcli::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything else: a signal or a file-size limit must never kill us with a temporary
  // file left behind, however early it comes.
  aqcli::install_interrupt_handler();
  aq::install_process_guards();
  // No exception may end the process: every one becomes a message and an exit code.
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fputs("arrowquant-cli: I/O error: out of memory\n", stderr);
    return aqcli::kIoError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arrowquant-cli: internal error: %s\n", aq::escape_text(e.what()).c_str());
    return aqcli::kInternal;
  } catch (...) {
    std::fputs("arrowquant-cli: internal error: unknown exception\n", stderr);
    return aqcli::kInternal;
  }
}
