#include "ui/settings/calibration_settings.h"

#include <QSettings>
#include <algorithm>
#include <cmath>

#include "ui/util/format.h"

namespace aqui {

aq::CalibrationOptions CalibrationSettings::options() const {
  aq::CalibrationOptions o;
  if (!enabled()) return o;  // the CLI refuses --damping without a file; the GUI just drops it
  o.file = sstr(file);
  o.gptq.damping = damping;
  o.gptq.act_order = act_order;
  return o;
}

void CalibrationSettings::save(QSettings& s) const {
  s.beginGroup("calibration");
  s.setValue("file", file);
  s.setValue("damping", damping);
  s.setValue("act_order", act_order);
  s.endGroup();
}

CalibrationSettings CalibrationSettings::load(QSettings& s) {
  CalibrationSettings c;
  s.beginGroup("calibration");
  c.file = s.value("file", c.file).toString();
  const double d = s.value("damping", c.damping).toDouble();
  if (std::isfinite(d)) c.damping = std::clamp(d, kMinDamping, kMaxDamping);  // a hand-edited file
  c.act_order = s.value("act_order", c.act_order).toBool();
  s.endGroup();
  return c;
}

}  // namespace aqui
