#include "ui/settings/budget_settings.h"

#include <QSettings>

#include "ui/settings/settings_reader.h"
#include "ui/util/format.h"

namespace aqui {

QString BudgetSettings::problem() const {
  if (kind != Kind::Size || aq::parse_size(sstr(size.trimmed()))) return {};
  return QString("Target size '%1' is not a size such as 2GB, 1.5GiB or 800MB").arg(size.trimmed());
}

aq::BudgetOptions BudgetSettings::options() const {
  aq::BudgetOptions o;
  if (kind == Kind::BitsPerWeight) o.target_bpw = bpw;
  if (kind == Kind::Size) o.target_bytes = aq::parse_size(sstr(size.trimmed())).value_or(0);
  return o;
}

void BudgetSettings::save(QSettings& s) const {
  s.beginGroup("budget");
  s.setValue("kind", kind == Kind::Off ? "off" : kind == Kind::BitsPerWeight ? "bpw" : "size");
  s.setValue("bpw", bpw);
  s.setValue("size", size);
  s.endGroup();
}

BudgetSettings BudgetSettings::load(QSettings& s) {
  BudgetSettings b;
  const SettingsReader in(s, "budget");
  const QString kind = in.text("kind");
  b.kind = kind == "bpw" ? Kind::BitsPerWeight : kind == "size" ? Kind::Size : Kind::Off;
  in.read("bpw", b.bpw, kMinBpw, kMaxBpw);
  in.read("size", b.size);
  return b;
}

}  // namespace aqui
