#pragma once
// Command-line options of the desktop application, and the checks made before Qt starts.
#include <QSize>
#include <QString>
#include <QStringList>
#include <vector>

namespace aqui {

struct LaunchOptions {
  QString model;                 // open this model at start
  bool demo = false;             // open the built-in demo model (aq::ensure_demo_model)
  bool run = false;              // start quantizing once the model is open
  std::vector<int> compareBits;  // run these bit widths and show the comparison
  QString theme;                 // "light" / "dark": overrides the saved theme
  QSize windowSize;              // initial window size, if valid
  QString calibration;           // calibration file for the runs (Settings ▸ Calibration)
  QString ggmlType;              // GGUF output with this ggml type (Settings ▸ Output format)
  QString compareWith;           // a quantized model opened: compare it with this original
  bool manual = false;           // open the manual (Help ▸ Manual) at start
  QStringList rules;             // --rule REGEX=BITS[:GROUP]|keep|TYPE, in order: the per-layer rules
  // Self-screenshots, for documentation (hidden from --help).
  QString screenshot;             // PNG path; the window grabs itself
  int screenshotAfterMs = 0;      // delay after the trigger
  double screenshotAtProgress = -1;  // trigger: a run passes this fraction (0..1)
  bool quitAfterScreenshot = true;
};

enum class ParseOutcome { Run, Help, Version, Error };

/// Parses `args` (argv as strings, program name first); fills `help` with the usage text.
ParseOutcome parseLaunchOptions(const QStringList& args, LaunchOptions& out, QString& message);

/// True when Qt can open a window: a display, a Wayland socket, or an explicit QT_QPA_PLATFORM.
bool displayAvailable();
/// What to tell someone who started the GUI without a display.
QString noDisplayMessage();

}  // namespace aqui
