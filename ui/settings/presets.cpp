#include "ui/settings/presets.h"

#include <QThread>
#include <algorithm>

namespace aqui {

const std::vector<PresetInfo>& presets() {
  static const std::vector<PresetInfo> kPresets = {
      {Preset::Edge, "Edge", "Lowest memory and smallest file, for devices with little RAM"},
      {Preset::Local, "Local", "Balanced size, accuracy and speed for a workstation"},
      {Preset::Cloud, "Cloud", "Accuracy first and fastest run, memory is plentiful"},
  };
  return kPresets;
}

const std::vector<PresetInfo>& ggufPresets() {
  static const std::vector<PresetInfo> kPresets = {
      {Preset::GgufQ8_0, "GGUF Q8_0", "near-lossless, about half of F16"},
      {Preset::GgufQ4_K, "GGUF Q4_K", "balanced size and accuracy, the usual choice"},
      {Preset::GgufQ3_K, "GGUF Q3_K", "small, for little memory; some accuracy lost"},
  };
  return kPresets;
}

namespace {
QString ggufPresetType(Preset p) {
  switch (p) {
    case Preset::GgufQ8_0: return "q8_0";
    case Preset::GgufQ4_K: return "q4_k";
    case Preset::GgufQ3_K: return "q3_k";
    default: return {};
  }
}
}  // namespace

RunSettings applyPreset(Preset p, RunSettings s) {
  if (const QString type = ggufPresetType(p); !type.isEmpty()) {
    s.format = OutputFormat::Gguf;
    s.ggml_type = type;
    return s;
  }
  // Bits and groups mean nothing to a GGUF output: a deployment preset writes ArrowQuant's own.
  if (s.format == OutputFormat::Gguf) s.format = OutputFormat::Packed;
  switch (p) {
    case Preset::Edge:
      // Streaming holds about one tensor at a time; two threads keep per-thread buffers few.
      s.bits = 4;
      s.group_size = 128;
      s.symmetric = true;
      s.method = aq::Method::Search;
      s.mode = aq::Mode::Streaming;
      s.threads = std::min(2, std::max(1, QThread::idealThreadCount()));
      break;
    case Preset::Local:
      s.bits = 4;
      s.group_size = 64;
      s.symmetric = false;
      s.method = aq::Method::Search;
      s.mode = aq::Mode::Streaming;
      s.threads = 0;
      break;
    case Preset::Cloud:
      // INT8 is accurate with a plain min-max range; batch runs all tensors in parallel.
      s.bits = 8;
      s.group_size = 128;
      s.symmetric = true;
      s.method = aq::Method::MinMax;
      s.mode = aq::Mode::Batch;
      s.threads = 0;
      break;
    default: break;
  }
  return s;
}

QString presetSummary(Preset p) {
  const RunSettings s = applyPreset(p, {});
  if (s.format == OutputFormat::Gguf) {
    const auto t = ggufTypeChoice(s.ggml_type);
    return QString("GGUF · %1").arg(t ? t->label() : s.ggml_type);
  }
  QStringList parts;
  parts << QString("INT%1").arg(s.bits)
        << (s.group_size ? QString("group %1").arg(s.group_size) : QString("per-channel"))
        << (s.symmetric ? "symmetric" : "asymmetric")
        << (s.method == aq::Method::Search ? "range search" : "min-max")
        << (s.mode == aq::Mode::Streaming ? "streaming" : "batch")
        << (s.threads ? QString("%1 threads").arg(s.threads) : QString("all threads"));
  return parts.join(" · ");
}

QString presetCliArguments(Preset p) {
  const RunSettings s = applyPreset(p, {});
  if (s.format == OutputFormat::Gguf) return "-o OUT.gguf --type " + s.ggml_type;
  QStringList args;
  args << QString("--bits %1").arg(s.bits)
       << (s.group_size ? QString("--group-size %1").arg(s.group_size) : QString("--group-size channel"));
  if (s.symmetric) args << "--symmetric";
  args << (s.method == aq::Method::Search ? "--method search" : "--method minmax")
       << (s.mode == aq::Mode::Streaming ? "--mode streaming" : "--mode batch") << QString("--threads %1").arg(s.threads);
  return args.join(' ');
}

std::optional<Preset> matchingPreset(const RunSettings& s) {
  for (const auto* list : {&presets(), &ggufPresets()})
    for (const auto& p : *list)
      if (applyPreset(p.id, s) == s) return p.id;
  return std::nullopt;
}

}  // namespace aqui
