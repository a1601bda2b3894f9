#pragma once
// The size budget of the run settings (mixed precision, docs/CALIBRATION.md): off, a target in
// bits per weight (--target-bpw) or a total size (--target-size, "2GB"). Its own struct so that
// the budget group owns its fields and RunSettings only carries them.
#include <QString>

#include "plan/budget.h"

class QSettings;

namespace aqui {

struct BudgetSettings {
  enum class Kind { Off, BitsPerWeight, Size };
  static constexpr double kMinBpw = 1.0;
  static constexpr double kMaxBpw = 32.0;

  Kind kind = Kind::Off;
  double bpw = 4.0;       // the target when kind is BitsPerWeight
  QString size = "1GB";   // the target when kind is Size, as typed (aq::parse_size reads it)

  bool enabled() const { return kind != Kind::Off; }
  /// Why the run cannot use it (an unreadable size); empty when it can, or when it is off.
  QString problem() const;
  /// What the job gets; off (or unreadable) is no budget.
  aq::BudgetOptions options() const;

  /// In the caller's current QSettings group, under "budget/".
  void save(QSettings& s) const;
  static BudgetSettings load(QSettings& s);

  bool operator==(const BudgetSettings&) const = default;
};

}  // namespace aqui
