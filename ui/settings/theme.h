#pragma once
// Light or dark look for the whole application (an application setting, persisted).
#include <QColor>
#include <QString>

class QPalette;

namespace aqui {

enum class Theme { Light, Dark };

QString themeName(Theme t);           // "light", "dark"
Theme themeFromName(const QString&);  // anything but "dark" is light
/// Fusion style with a light or dark palette on the running QApplication.
void applyTheme(Theme t);
/// The colour of error text on this palette's window: a dark red on light, a light red on dark.
QColor errorTextColor(const QPalette& p);

}  // namespace aqui
