#include "ui/settings/calibration_settings.h"

#include <QSettings>
#include <utility>

#include "calib/calibration_file.h"
#include "ui/settings/settings_reader.h"
#include "ui/util/format.h"

namespace aqui {

QString CalibrationSettings::weightsProblem(int buckets) const {
  const QString text = timestep_weights.trimmed();
  if (text.isEmpty()) return {};
  auto w = aq::parse_timestep_weights(sstr(text));  // the CLI's parser, the CLI's rules
  if (!w) return qstr(w.error().reason).replace("--timestep-weights takes", "Timestep weights take").replace("--timestep-weights", "Timestep weights");
  if (buckets > 0 && int(w->size()) != buckets)
    return QString("Timestep weights: %1 given, but the calibration file has %2 bucket%3")
        .arg(w->size())
        .arg(buckets)
        .arg(buckets == 1 ? "" : "s");
  return {};
}

aq::CalibrationOptions CalibrationSettings::options() const {
  aq::CalibrationOptions o;
  if (!enabled()) return o;  // the CLI refuses --damping without a file; the GUI just drops it
  o.file = sstr(file);
  o.gptq.damping = damping;
  o.gptq.act_order = act_order;
  o.gptq.compensate = compensate;
  // Weights that do not parse never reach a job: the group refuses the run first (problem()).
  if (auto w = aq::parse_timestep_weights(sstr(timestep_weights.trimmed())); w && !timestep_weights.trimmed().isEmpty())
    o.timestep_weights = std::move(*w);
  return o;
}

void CalibrationSettings::save(QSettings& s) const {
  s.beginGroup("calibration");
  s.setValue("file", file);
  s.setValue("damping", damping);
  s.setValue("act_order", act_order);
  s.setValue("timestep_weights", timestep_weights);
  s.setValue("compensate", compensate);
  s.endGroup();
}

CalibrationSettings CalibrationSettings::load(QSettings& s) {
  CalibrationSettings c;
  const SettingsReader in(s, "calibration");
  in.read("file", c.file);
  in.read("damping", c.damping, kMinDamping, kMaxDamping);
  in.read("act_order", c.act_order);
  in.read("timestep_weights", c.timestep_weights);
  in.read("compensate", c.compensate);
  return c;
}

}  // namespace aqui
