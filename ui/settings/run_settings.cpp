#include "ui/settings/run_settings.h"

#include <QSettings>
#include <algorithm>
#include <limits>

#include "gguf/ggml_types.h"
#include "gguf/gguf_names.h"
#include "plan/rule_text.h"
#include "quant/scheme_traits.h"
#include "ui/settings/settings_reader.h"
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
  const SettingsReader in(s, "run");
  int bits = r.bits;
  in.read("bits", bits, 0, 64);
  if (aq::find_scheme(bits)) r.bits = bits;
  in.read("group_size", r.group_size, 0, aq::kMaxGroupSize);  // 0: per-channel
  if (r.group_size != 0) r.group_size = std::max(r.group_size, aq::kMinGroupSize);
  in.read("symmetric", r.symmetric);
  if (auto m = aq::method_from_name(sstr(in.text("method")))) r.method = *m;
  r.mode = in.text("mode") == "batch" ? aq::Mode::Batch : aq::Mode::Streaming;
  in.read("threads", r.threads, 0, std::numeric_limits<int>::max());
  in.read("write_output", r.write_output);
  in.read("output", r.output);
  in.read("output_named_for", r.output_named_for);
  in.read("output_dir", r.output_dir);
  r.calibration = CalibrationSettings::load(s);  // groups inside "run"
  r.budget = BudgetSettings::load(s);
  if (auto f = formatFromId(in.text("format"))) r.format = *f;
  if (auto t = ggufTypeChoice(in.text("ggml_type"))) r.ggml_type = t->name;
  // Only names a runtime knows; anything else (an older or edited file) means "from the family".
  const QString arch = in.text("gguf_arch");
  const auto& known = aq::gguf::known_architectures();
  if (arch == "none" || std::find(known.begin(), known.end(), sstr(arch)) != known.end()) r.gguf_arch = arch;
  QStringList rules;
  in.read("rules", rules);
  for (const auto& rule : parseRules(rules)) r.rules << qstr(aq::user_rule_spec(rule));
  return r;
}

}  // namespace aqui
