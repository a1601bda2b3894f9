// arrowquant: the desktop application. Parses the options, makes sure there is a display, and
// hands over to the MainWindow; everything else lives in ui/ and core/.
#include <QApplication>
#include <cstdio>

#include "ui/app/launch_director.h"
#include "ui/app/launch_options.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  QStringList args;
  for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
  aqui::LaunchOptions options;
  QString message;
  switch (aqui::parseLaunchOptions(args, options, message)) {
    case aqui::ParseOutcome::Help: std::fputs(qPrintable(message), stdout); return 0;
    case aqui::ParseOutcome::Version: std::printf("arrowquant %s\n", AQ_VERSION); return 0;
    case aqui::ParseOutcome::Error: std::fputs(qPrintable(message), stderr); return 2;
    case aqui::ParseOutcome::Run: break;
  }
  // Without a display Qt would abort with a platform-plugin error; say what to do instead.
  if (!aqui::displayAvailable()) {
    std::fputs(qPrintable(aqui::noDisplayMessage()), stderr);
    return 2;
  }

  QApplication app(argc, argv);
  aqui::initApplication();
  aqui::MainWindow window;
  window.show();
  aqui::LaunchDirector director(&window, options);
  director.start();
  return app.exec();
}
