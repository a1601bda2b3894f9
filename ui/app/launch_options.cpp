#include "ui/app/launch_options.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdlib>

#include "plan/plan.h"
#include "quant/scheme_traits.h"
#include "ui/settings/output_format.h"

namespace aqui {

ParseOutcome parseLaunchOptions(const QStringList& args, LaunchOptions& out, QString& message) {
  QCommandLineParser p;
  p.setApplicationDescription(
      "ArrowQuant: quantize diffusion-model weights and watch what it does to them.");
  const QCommandLineOption help({"h", "help"}, "Show this help.");
  const QCommandLineOption version({"v", "version"}, "Show the version.");
  const QCommandLineOption demo("demo", "Open the built-in demo model (DiT-S/2 shaped, generated locally).");
  const QCommandLineOption run("run", "Start quantizing as soon as the model is open.");
  const QCommandLineOption compare("compare", "Run these bit widths and compare them, e.g. 2,4,8.", "BITS");
  const QCommandLineOption compareDemo("compare-demo", "Same as --demo --compare 2,4,8.");
  const QCommandLineOption theme("theme", "light or dark (overrides the saved theme).", "THEME");
  const QCommandLineOption size("window-size", "Initial window size, e.g. 1500x950.", "WxH");
  const QCommandLineOption calibration("calibration", "Quantize with this calibration file (docs/CALIBRATION.md).",
                                       "FILE");
  const QCommandLineOption type("type", "Write GGUF with this ggml type (q8_0, q4_k, q3_k, ...).", "T");
  const QCommandLineOption compareWith("compare-with",
                                       "The model is a quantized file: compare it with this original.", "ORIGINAL");
  const QCommandLineOption rule("rule",
                                "A per-layer rule, as arrowquant-cli's --rule: REGEX=BITS[:GROUP], REGEX=keep or, "
                                "for GGUF, REGEX=TYPE (repeatable; first match wins; replaces the saved rules).",
                                "SPEC");
  const QCommandLineOption manual("manual", "Open the manual (Help > Manual, F1) at start.");
  QCommandLineOption shot("screenshot", "Save a PNG of the window, then quit.", "FILE");
  QCommandLineOption shotAfter("screenshot-after-ms", "Delay before the screenshot.", "MS", "0");
  QCommandLineOption shotAt("screenshot-at-progress", "Take it when a run passes this fraction.", "F");
  QCommandLineOption stay("screenshot-stay", "Keep running after the screenshot.");
  for (QCommandLineOption* o : {&shot, &shotAfter, &shotAt, &stay}) o->setFlags(QCommandLineOption::HiddenFromHelp);
  p.addOptions({help, version, demo, run, compare, compareDemo, theme, size, calibration, type, compareWith, rule, manual, shot, shotAfter, shotAt, stay});
  p.addPositionalArgument("model", "A .safetensors file, a sharded index, an HDF5 file, a GGUF file or a diffusers folder.",
                          "[model]");

  const bool ok = p.parse(args);
  message = p.helpText().replace("<executable_name>", "arrowquant") +
            "\nWithout a display, use the command-line tool instead:\n"
            "  arrowquant-cli quantize MODEL -o OUT.safetensors\n"
            "  arrowquant-cli inspect MODEL\n";
  if (!ok) {
    message = p.errorText() + "\n\n" + message;
    return ParseOutcome::Error;
  }
  if (p.isSet(help)) return ParseOutcome::Help;
  if (p.isSet(version)) return ParseOutcome::Version;

  const QStringList pos = p.positionalArguments();
  if (pos.size() > 1) {
    message = "At most one model can be given.\n\n" + message;
    return ParseOutcome::Error;
  }
  if (!pos.isEmpty()) out.model = pos.front();
  out.demo = p.isSet(demo) || p.isSet(compareDemo);
  out.run = p.isSet(run);
  if (p.isSet(compareDemo)) out.compareBits = {2, 4, 8};
  if (p.isSet(compare)) {
    out.compareBits.clear();
    for (const QString& b : p.value(compare).split(',', Qt::SkipEmptyParts)) {
      const auto bits = aq::parse_bits(b.trimmed().toStdString());
      if (!bits) {
        message = "--compare takes bit widths among " + QString::fromStdString(aq::supported_bits_text()) + " (got '" +
                  b + "').\n";
        return ParseOutcome::Error;
      }
      out.compareBits.push_back(*bits);
    }
  }
  if (p.isSet(theme)) {
    out.theme = p.value(theme);
    if (out.theme != "light" && out.theme != "dark") {
      message = "--theme is light or dark.\n";
      return ParseOutcome::Error;
    }
  }
  if (p.isSet(size)) {
    const QStringList wh = p.value(size).split('x');
    if (wh.size() == 2) out.windowSize = QSize(wh[0].toInt(), wh[1].toInt());
  }
  if (p.isSet(type)) {
    const auto t = ggufTypeChoice(p.value(type));
    if (!t) {
      QStringList names;
      for (const auto& c : ggufTypeChoices()) names << c.name;
      message = "--type is one of " + names.join(' ') + " (got '" + p.value(type) + "').\n";
      return ParseOutcome::Error;
    }
    out.ggmlType = t->name;
  }
  for (const QString& spec : p.values(rule)) {  // checked by the engine's parser, as the CLI does
    if (auto r = aq::parse_user_rule(spec.toStdString()); !r) {
      message = "--rule: " + QString::fromStdString(r.error().reason) + "\n";
      return ParseOutcome::Error;
    }
    out.rules << spec;
  }
  if (p.isSet(compareWith)) out.compareWith = QFileInfo(p.value(compareWith)).absoluteFilePath();
  if (p.isSet(calibration)) out.calibration = QFileInfo(p.value(calibration)).absoluteFilePath();
  out.manual = p.isSet(manual);
  out.screenshot = p.value(shot);
  out.screenshotAfterMs = p.value(shotAfter).toInt();
  if (p.isSet(shotAt)) out.screenshotAtProgress = p.value(shotAt).toDouble();
  out.quitAfterScreenshot = !p.isSet(stay);
  return ParseOutcome::Run;
}

bool displayAvailable() {
  const auto set = [](const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
  };
  return set("DISPLAY") || set("WAYLAND_DISPLAY") || set("QT_QPA_PLATFORM");
}

QString noDisplayMessage() {
  return "arrowquant: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
         "The desktop application needs a graphical session. Without one, use the command-line tool:\n"
         "  arrowquant-cli quantize MODEL -o OUT.safetensors\n"
         "  arrowquant-cli inspect MODEL\n"
         "(To run the window anyway, e.g. under Xvfb, set DISPLAY; QT_QPA_PLATFORM=offscreen renders\n"
         "without showing anything.)\n";
}

}  // namespace aqui
