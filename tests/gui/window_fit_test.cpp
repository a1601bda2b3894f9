// The main window fits the screen it opens on (issue 10): a 1024 x 700 screen, and 1600 x 1000 at
// 1.5x scaling (1067 x 667 logical pixels), as well as a large one; a saved geometry that no longer
// fits is not restored. Each screen is a child process of this test on the offscreen platform
// configured with that screen (offscreen:configfile=...), since a process has one screen setup.
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QProcess>
#include <QScreen>
#include <QTemporaryDir>
#include <QTest>

#include "gui_fixtures.h"
#include "ui/app/window_fit.h"
#include "ui/main_window.h"
#include "ui/settings/app_settings.h"

using namespace aqui;

namespace {

// Child mode: open the main window on a WxH screen, after saving a geometry `saved` wide and
// high; print the window's frame and the screen; exit 0 when the frame lies on the screen (and,
// when the saved size fits, has that size), 1 when it does not fit, 2 when a fitting size was lost,
// 3 when the log dock is not where the screen's height wants it.
int child(int w, int h, int savedW, int savedH, int argc, char** argv) {
  QTemporaryDir dir;
  const QString config = dir.filePath("screen.json");
  QFile f(config);
  if (!f.open(QIODevice::WriteOnly)) return 3;
  f.write(QString(R"({"screens": [{"name": "s", "x": 0, "y": 0, "width": %1, "height": %2, "logicalDpi": 96}]})")
              .arg(w)
              .arg(h)
              .toUtf8());
  f.close();
  qputenv("QT_QPA_PLATFORM", ("offscreen:configfile=" + config).toUtf8());
  QApplication app(argc, argv);
  guitest::isolateSettings();
  if (savedW > 0) {
    MainWindow big;
    big.resize(savedW, savedH);
    AppSettings::saveWindow(big.saveGeometry(), big.saveState());
  }
  MainWindow win;
  win.show();
  QTest::qWait(50);
  const QRect frame = win.frameGeometry(), screen = win.screen()->availableGeometry();
  std::printf("screen %dx%d window %d,%d %dx%d\n", screen.width(), screen.height(), frame.x(), frame.y(),
              frame.width(), frame.height());
  if (!fitsOn(frame, screen)) return 1;
  // On a short screen the log is a tab beside the settings, leaving the height to the layer table.
  auto* settings = win.findChild<QDockWidget*>("settingsDock");
  auto* log = win.findChild<QDockWidget*>("logDock");
  if (!settings || !log || win.tabifiedDockWidgets(settings).contains(log) != logBesideSettings(h)) return 3;
  // A saved size that fits is the size the window comes back with.
  const bool savedFits = savedW > 0 && savedW <= screen.width() && savedH <= screen.height();
  return savedFits && win.size() != QSize(savedW, savedH) ? 2 : 0;
}

}  // namespace

class WindowFitTest : public QObject {
  Q_OBJECT
  // Runs this binary as a child on a WxH screen; returns its exit code, printing what it said.
  static int onScreen(int w, int h, int savedW = 0, int savedH = 0) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QCoreApplication::applicationFilePath(),
            {"--child", QString::number(w), QString::number(h), QString::number(savedW), QString::number(savedH)});
    if (!p.waitForFinished(60000)) return -1;
    std::printf("  %dx%d (saved %dx%d): %s", w, h, savedW, savedH, p.readAll().constData());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
  }

 private slots:
  void defaultSizeFollowsTheScreen() {
    QCOMPARE(defaultWindowSize({1920, 1040}, {900, 500}), kPreferredWindowSize);
    const QSize small = defaultWindowSize({1024, 700}, {900, 500});
    QVERIFY(small.width() <= 1024 && small.height() <= 700);
    QCOMPARE(defaultWindowSize({800, 600}, {900, 500}).width(), 900);  // never below the contents
    QVERIFY(defaultLogHeight(700) < 140);
    QCOMPARE(defaultLogHeight(1400), 140);
    QVERIFY(fitsOn({0, 0, 1000, 600}, {0, 0, 1024, 700}));
    QVERIFY(!fitsOn({0, 0, 1062, 600}, {0, 0, 1024, 700}));
  }

  void opensWithinTheScreen() {
    QCOMPARE(onScreen(1024, 700), 0);
    QCOMPARE(onScreen(1067, 667), 0);  // 1600 x 1000 at 1.5x
    QCOMPARE(onScreen(1920, 1080), 0);
  }

  void aSavedGeometryIsRestoredOnlyWhereItFits() {
    QCOMPARE(onScreen(1024, 700, 1480, 940), 0);
    QCOMPARE(onScreen(1067, 667, 1400, 900), 0);
    QCOMPARE(onScreen(1920, 1080, 1234, 777), 0);  // fits: restored as saved
  }
};

int main(int argc, char** argv) {
  if (argc >= 6 && QByteArray(argv[1]) == "--child")
    return child(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), argc, argv);
  QApplication app(argc, argv);
  WindowFitTest t;
  return QTest::qExec(&t, argc, argv);
}
#include "window_fit_test.moc"
