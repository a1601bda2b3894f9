#pragma once
// File > Open Recent: rebuilt from AppSettings each time it opens, so every window agrees.
#include <QMenu>

namespace aqui {

class RecentFilesMenu : public QMenu {
  Q_OBJECT
 public:
  explicit RecentFilesMenu(QWidget* parent = nullptr);

 signals:
  void openRequested(const QString& path);

 private:
  void rebuild();
};

}  // namespace aqui
