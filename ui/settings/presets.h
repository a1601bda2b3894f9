#pragma once
// Deployment presets: one click sets bits, groups, method, mode and threads for a target.
#include <QString>
#include <optional>
#include <vector>

#include "ui/settings/run_settings.h"

namespace aqui {

enum class Preset { Edge, Local, Cloud };

struct PresetInfo {
  Preset id;
  QString name;     // "Edge"
  QString purpose;  // one line: what it is for
};

const std::vector<PresetInfo>& presets();
/// `base` with the preset's fields set; the output path and write flag are left alone.
RunSettings applyPreset(Preset p, RunSettings base);
/// What the preset sets, in words: "INT4 · group 128 · symmetric · range search · streaming · 2 threads".
QString presetSummary(Preset p);
/// The preset these settings are exactly, if any.
std::optional<Preset> matchingPreset(const RunSettings& s);

}  // namespace aqui
