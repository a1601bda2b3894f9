#pragma once
// What the application remembers between launches, in QSettings (organisation "ArrowQuant",
// application "arrowquant" unless a test sets others): theme, recent files, window layout and the
// run settings.
#include <QByteArray>
#include <QStringList>

#include "ui/settings/run_settings.h"
#include "ui/settings/theme.h"

namespace aqui {

class AppSettings {
 public:
  static constexpr int kMaxRecent = 10;

  static Theme theme();
  static void setTheme(Theme t);

  static QStringList recentFiles();
  /// Moves `path` to the front; keeps at most kMaxRecent entries.
  static void addRecentFile(const QString& path);
  static void clearRecentFiles();

  static QByteArray windowGeometry();
  static QByteArray windowState();
  static QByteArray splitterState(const QString& name);
  static void saveWindow(const QByteArray& geometry, const QByteArray& state);
  static void saveSplitter(const QString& name, const QByteArray& state);

  static RunSettings runSettings();
  static void setRunSettings(const RunSettings& s);
};

}  // namespace aqui
