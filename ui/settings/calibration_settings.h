#pragma once
// The calibration part of the run settings (docs/CALIBRATION.md): the file, the damping,
// act-order, the timestep weights and compensation, as the CLI's --calibration, --damping,
// --act-order, --timestep-weights and --no-compensation. Its own struct so that the
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
  QString timestep_weights;  // "1,1,2,2" as typed, one per bucket (--timestep-weights); empty: uniform
  bool compensate = true;    // false: round data-free, only measure the output error (--no-compensation)

  bool enabled() const { return !file.isEmpty(); }
  /// Why the timestep weights cannot be used with a file of `buckets` buckets (0: not known yet,
  /// only their syntax is checked); empty when they can, or are not given.
  QString weightsProblem(int buckets) const;
  /// What the job gets; without a file, the engine's defaults (nothing calibrated).
  aq::CalibrationOptions options() const;

  /// In the caller's current QSettings group, under "calibration/".
  void save(QSettings& s) const;
  static CalibrationSettings load(QSettings& s);

  bool operator==(const CalibrationSettings&) const = default;
};

}  // namespace aqui
