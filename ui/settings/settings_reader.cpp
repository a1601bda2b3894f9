#include "ui/settings/settings_reader.h"

#include <QSettings>
#include <algorithm>
#include <cmath>

namespace aqui {

SettingsReader::SettingsReader(QSettings& settings, const QString& group) : s_(settings) { s_.beginGroup(group); }

SettingsReader::~SettingsReader() { s_.endGroup(); }

void SettingsReader::read(const char* key, bool& value) const {
  const QVariant v = s_.value(key);
  // QSettings' INI files give strings: "true"/"false" (and what a hand may write: 1/0).
  const QString t = v.toString().trimmed().toLower();
  if (t == "true" || t == "1") value = true;
  else if (t == "false" || t == "0") value = false;
}

void SettingsReader::read(const char* key, QString& value) const {
  if (s_.contains(key)) value = s_.value(key).toString();
}

void SettingsReader::read(const char* key, QStringList& value) const {
  if (s_.contains(key)) value = s_.value(key).toStringList();
}

void SettingsReader::read(const char* key, int& value, int lo, int hi) const {
  bool ok = false;
  const int v = s_.value(key).toInt(&ok);
  if (ok) value = std::clamp(v, lo, hi);
}

void SettingsReader::read(const char* key, double& value, double lo, double hi) const {
  bool ok = false;
  const double v = s_.value(key).toDouble(&ok);
  if (ok && std::isfinite(v)) value = std::clamp(v, lo, hi);
}

QString SettingsReader::text(const char* key) const { return s_.value(key).toString(); }

}  // namespace aqui
