#pragma once
// The calibration part of the run settings (docs/CALIBRATION.md): the file, the damping and
// act-order, as the CLI's --calibration, --damping and --act-order. Its own struct so that the
// calibration group owns its fields and RunSettings only carries them.
#include <QString>

#include "calib/calibration_options.h"

class QSettings;

namespace aqui {

struct CalibrationSettings {
  // The range the damping spin box offers, as a fraction of H's mean diagonal (0.01 is 1 %).
  static constexpr double kMinDamping = 0.0001;
  static constexpr double kMaxDamping = 1.0;

  QString file;           // empty: data-free quantization
  double damping = 0.01;  // the engine's default (GptqOptions)
  bool act_order = false;

  bool enabled() const { return !file.isEmpty(); }
  /// What the job gets; without a file, the engine's defaults (nothing calibrated).
  aq::CalibrationOptions options() const;

  /// In the caller's current QSettings group, under "calibration/".
  void save(QSettings& s) const;
  static CalibrationSettings load(QSettings& s);

  bool operator==(const CalibrationSettings&) const = default;
};

}  // namespace aqui
