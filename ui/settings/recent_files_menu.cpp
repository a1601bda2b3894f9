#include "ui/settings/recent_files_menu.h"

#include <QFileInfo>

#include "ui/settings/app_settings.h"

namespace aqui {

RecentFilesMenu::RecentFilesMenu(QWidget* parent) : QMenu("Open &Recent", parent) {
  connect(this, &QMenu::aboutToShow, this, &RecentFilesMenu::rebuild);
  rebuild();
}

void RecentFilesMenu::rebuild() {
  clear();
  const QStringList files = AppSettings::recentFiles();
  int n = 0;
  for (const QString& path : files) {
    const QString text = QString("&%1  %2").arg((++n) % 10).arg(QFileInfo(path).fileName());
    QAction* a = addAction(text);
    a->setToolTip(path);
    a->setStatusTip(path);
    connect(a, &QAction::triggered, this, [this, path] { emit openRequested(path); });
  }
  if (files.isEmpty()) addAction("(none)")->setEnabled(false);
  addSeparator();
  QAction* clearAct = addAction("Clear list");
  clearAct->setEnabled(!files.isEmpty());
  connect(clearAct, &QAction::triggered, this, [] { AppSettings::clearRecentFiles(); });
}

}  // namespace aqui
