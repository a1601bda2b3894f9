#include "ui/settings/run_settings.h"

#include <QSettings>
#include <algorithm>

#include "quant/scheme_traits.h"
#include "ui/util/format.h"

namespace aqui {

aq::QuantScheme RunSettings::scheme() const {
  aq::QuantScheme s;
  s.bits = bits;
  s.group_size = group_size;
  s.symmetric = symmetric;
  s.method = method;
  return s;
}

aq::PlanOptions RunSettings::planOptions() const {
  aq::PlanOptions o;
  o.scheme = scheme();
  return o;
}

aq::JobConfig RunSettings::jobConfig(const QString& input) const {
  aq::JobConfig c;
  c.input = sstr(input);
  if (write_output && !output.isEmpty()) c.output = sstr(output);
  c.plan = planOptions();
  c.mode = mode;
  c.threads = threads;
  c.calibration = calibration.options();
  // The GUI draws the memory timeline; a finer period than the CLI's default costs nothing.
  c.memory_sample_ms = 50;
  return c;
}

void RunSettings::save(QSettings& s) const {
  s.beginGroup("run");
  s.setValue("bits", bits);
  s.setValue("group_size", group_size);
  s.setValue("symmetric", symmetric);
  s.setValue("method", qstr(std::string(aq::method_name(method))));
  s.setValue("mode", qstr(std::string(aq::mode_name(mode))));
  s.setValue("threads", threads);
  s.setValue("write_output", write_output);
  s.setValue("output", output);
  calibration.save(s);
  s.endGroup();
}

RunSettings RunSettings::load(QSettings& s) {
  RunSettings r;
  s.beginGroup("run");
  const int bits = s.value("bits", r.bits).toInt();
  if (aq::find_scheme(bits)) r.bits = bits;
  r.group_size = std::max(0, s.value("group_size", r.group_size).toInt());
  if (r.group_size != 0) r.group_size = std::clamp(r.group_size, aq::kMinGroupSize, aq::kMaxGroupSize);
  r.symmetric = s.value("symmetric", r.symmetric).toBool();
  if (auto m = aq::method_from_name(sstr(s.value("method").toString()))) r.method = *m;
  r.mode = s.value("mode").toString() == "batch" ? aq::Mode::Batch : aq::Mode::Streaming;
  r.threads = std::max(0, s.value("threads", r.threads).toInt());
  r.write_output = s.value("write_output", r.write_output).toBool();
  r.output = s.value("output", r.output).toString();
  r.calibration = CalibrationSettings::load(s);
  s.endGroup();
  return r;
}

}  // namespace aqui
