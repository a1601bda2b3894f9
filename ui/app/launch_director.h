#pragma once
// Carries out the launch options once the window exists: open a model, start a run or a
// comparison, and take the documentation screenshots at the right moment.
#include <QObject>

#include "ui/app/launch_options.h"

namespace aqui {

class MainWindow;

class LaunchDirector : public QObject {
  Q_OBJECT
 public:
  LaunchDirector(MainWindow* window, LaunchOptions options, QObject* parent = nullptr);
  void start();

 private:
  void onModelLoaded();
  void screenshotSoon();
  /// Before a run starts: if it asks first (replace existing files?), the screenshot shows the
  /// question, and quitting after it answers no; the window would otherwise wait forever.
  void screenshotAnyQuestion();
  void takeScreenshot();

  MainWindow* window_;
  LaunchOptions opts_;
  bool armed_ = false;  // a screenshot is scheduled
  bool done_ = false;
};

/// Organisation and application names (QSettings), icon, resources; call once after QApplication.
void initApplication();
/// Only the resources (icons): for tests, which choose their own settings location.
void initUiResources();

}  // namespace aqui
