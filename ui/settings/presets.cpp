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

RunSettings applyPreset(Preset p, RunSettings s) {
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
  }
  return s;
}

QString presetSummary(Preset p) {
  const RunSettings s = applyPreset(p, {});
  QStringList parts;
  parts << QString("INT%1").arg(s.bits)
        << (s.group_size ? QString("group %1").arg(s.group_size) : QString("per-channel"))
        << (s.symmetric ? "symmetric" : "asymmetric")
        << (s.method == aq::Method::Search ? "range search" : "min-max")
        << (s.mode == aq::Mode::Streaming ? "streaming" : "batch")
        << (s.threads ? QString("%1 threads").arg(s.threads) : QString("all threads"));
  return parts.join(" · ");
}

std::optional<Preset> matchingPreset(const RunSettings& s) {
  for (const auto& p : presets())
    if (applyPreset(p.id, s) == s) return p.id;
  return std::nullopt;
}

}  // namespace aqui
