#pragma once
// Light or dark look for the whole application (an application setting, persisted).
#include <QString>

namespace aqui {

enum class Theme { Light, Dark };

QString themeName(Theme t);           // "light", "dark"
Theme themeFromName(const QString&);  // anything but "dark" is light
/// Fusion style with a light or dark palette on the running QApplication.
void applyTheme(Theme t);

}  // namespace aqui
