#include "ui/settings/run_settings.h"

#include <QSettings>
#include <algorithm>

#include "gguf/ggml_types.h"
#include "gguf/gguf_names.h"
#include "plan/rule_text.h"
#include "quant/scheme_traits.h"
#include "ui/util/format.h"

namespace aqui {

std::vector<aq::UserRule> parseRules(const QStringList& specs) {
  std::vector<aq::UserRule> out;
  for (const auto& spec : specs)
    if (auto rule = aq::parse_user_rule(sstr(spec))) out.push_back(std::move(*rule));
  return out;
}

aq::QuantScheme RunSettings::scheme() const {
  aq::QuantScheme s;
  s.bits = bits;
  s.group_size = group_size;
  s.symmetric = symmetric;
  s.method = method;
  if (format == OutputFormat::Gguf)
    if (const auto* t = aq::gguf::find_type(sstr(ggml_type))) s.ggml_type = int(t->type);
  return s;
}

aq::PlanOptions RunSettings::planOptions() const {
  aq::PlanOptions o;
  o.scheme = scheme();
  if (format == OutputFormat::Gguf) o.gguf_architecture = sstr(gguf_arch);
  o.rules = parseRules(rules);
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
  c.budget = budget.options();
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
  s.setValue("output_named_for", output_named_for);
  s.setValue("output_dir", output_dir);
  calibration.save(s);
  budget.save(s);
  s.setValue("format", formatId(format));
  s.setValue("ggml_type", ggml_type);
  s.setValue("gguf_arch", gguf_arch);
  s.setValue("rules", rules);
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
  r.output_named_for = s.value("output_named_for").toString();
  r.output_dir = s.value("output_dir").toString();
  r.calibration = CalibrationSettings::load(s);
  r.budget = BudgetSettings::load(s);
  if (auto f = formatFromId(s.value("format").toString())) r.format = *f;
  if (auto t = ggufTypeChoice(s.value("ggml_type").toString())) r.ggml_type = t->name;
  // Only names a runtime knows; anything else (an older or edited file) means "from the family".
  const QString arch = s.value("gguf_arch").toString();
  const auto& known = aq::gguf::known_architectures();
  if (arch == "none" || std::find(known.begin(), known.end(), sstr(arch)) != known.end()) r.gguf_arch = arch;
  for (const auto& rule : parseRules(s.value("rules").toStringList())) r.rules << qstr(aq::user_rule_spec(rule));
  s.endGroup();
  return r;
}

}  // namespace aqui
