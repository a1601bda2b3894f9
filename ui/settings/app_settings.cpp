#include "ui/settings/app_settings.h"

#include <QFileInfo>
#include <QSettings>

namespace aqui {

Theme AppSettings::theme() { return themeFromName(QSettings().value("ui/theme").toString()); }
void AppSettings::setTheme(Theme t) { QSettings().setValue("ui/theme", themeName(t)); }

QStringList AppSettings::recentFiles() { return QSettings().value("ui/recent").toStringList(); }

void AppSettings::addRecentFile(const QString& path) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  QStringList list = recentFiles();
  list.removeAll(abs);
  list.prepend(abs);
  while (list.size() > kMaxRecent) list.removeLast();
  QSettings().setValue("ui/recent", list);
}

void AppSettings::clearRecentFiles() { QSettings().remove("ui/recent"); }

QByteArray AppSettings::windowGeometry() { return QSettings().value("ui/geometry").toByteArray(); }
QByteArray AppSettings::windowState() { return QSettings().value("ui/state").toByteArray(); }
QByteArray AppSettings::splitterState(const QString& name) {
  return QSettings().value("ui/splitter/" + name).toByteArray();
}

void AppSettings::saveWindow(const QByteArray& geometry, const QByteArray& state) {
  QSettings s;
  s.setValue("ui/geometry", geometry);
  s.setValue("ui/state", state);
}

void AppSettings::saveSplitter(const QString& name, const QByteArray& state) {
  QSettings().setValue("ui/splitter/" + name, state);
}

RunSettings AppSettings::runSettings() {
  QSettings s;
  return RunSettings::load(s);
}

void AppSettings::setRunSettings(const RunSettings& r) {
  QSettings s;
  r.save(s);
}

}  // namespace aqui
