// The real `arrowquant` binary: no display, options, and a full offscreen launch with a
// self-screenshot (the way docs/screenshots are made).
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include "gui_fixtures.h"
#include "test_support.h"

namespace {

struct Run {
  int code = -1;
  QString out, err;
};

Run launch(const QStringList& args, const QProcessEnvironment& env, int timeoutMs = 120000) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(AQ_GUI_PATH, args);
  Run r;
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    return r;
  }
  r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
  r.out = QString::fromLocal8Bit(p.readAllStandardOutput());
  r.err = QString::fromLocal8Bit(p.readAllStandardError());
  return r;
}

QProcessEnvironment headless() {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove("DISPLAY");
  env.remove("WAYLAND_DISPLAY");
  env.remove("QT_QPA_PLATFORM");
  return env;
}

QProcessEnvironment offscreen(const QString& home) {
  QProcessEnvironment env = headless();
  env.insert("QT_QPA_PLATFORM", "offscreen");
  env.insert("HOME", home);
  env.insert("XDG_CONFIG_HOME", home + "/config");
  env.insert("XDG_CACHE_HOME", home + "/cache");
  return env;
}

}  // namespace

class LaunchTest : public QObject {
  Q_OBJECT
 private slots:
  void noDisplayExplainsTheCliAndExitsWith2() {
    const Run r = launch({}, headless());
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("arrowquant-cli quantize MODEL -o OUT.safetensors"), qPrintable(r.err));
    QVERIFY(r.err.contains("arrowquant-cli inspect MODEL"));
    QVERIFY(!r.err.contains("qt.qpa"));  // not Qt's platform-plugin abort
    QCOMPARE(launch({"--demo"}, headless()).code, 2);
  }

  void helpAndVersionNeedNoDisplay() {
    const Run h = launch({"--help"}, headless());
    QCOMPARE(h.code, 0);
    QVERIFY(h.out.contains("--demo"));
    QVERIFY(h.out.contains("arrowquant-cli inspect MODEL"));
    const Run v = launch({"--version"}, headless());
    QCOMPARE(v.code, 0);
    QVERIFY(v.out.contains(AQ_VERSION));
  }

  void badOptionsAreRejected() {
    QCOMPARE(launch({"--no-such-option"}, headless()).code, 2);
    QCOMPARE(launch({"--compare", "5"}, headless()).code, 2);
  }

  void offscreenRunAndScreenshot() {
    QTemporaryDir home;
    aqtest::TempDir dir;
    guitest::writeSmallDit(dir / "m.safetensors", 128, 4);
    const QString shot = home.filePath("shot.png");
    const Run r = launch({QString::fromStdString((dir / "m.safetensors").string()), "--run", "--screenshot",
                          shot, "--screenshot-at-progress", "0.5", "--window-size", "1200x800"},
                         offscreen(home.path()));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QImage img(shot);
    QCOMPARE(img.size(), QSize(1200, 800));
  }

  // A second launch finds the first one's output: the run asks before replacing it. The
  // screenshot shows the question and quitting answers no, for --run and --compare alike.
  void aRunThatAsksFirstStillGivesItsScreenshotAndReplacesNothing() {
    QTemporaryDir home;
    aqtest::TempDir dir;
    guitest::writeSmallDit(dir / "m.safetensors", 64, 2);
    const QString model = QString::fromStdString((dir / "m.safetensors").string());
    const std::vector<uint8_t> kEarlier = {'a', 'n', ' ', 'e', 'a', 'r', 'l', 'i', 'e', 'r', ' ', 'r', 'u', 'n'};
    for (const QStringList& action : {QStringList{"--run"}, QStringList{"--compare", "2,8"}}) {
      for (const char* name : {"m-int4.safetensors", "m-int2.safetensors", "m-int8.safetensors"})
        aqtest::write_file(dir / name, kEarlier);
      const QString shot = home.filePath("asks.png");
      QFile::remove(shot);
      const Run r = launch(QStringList{model} + action + QStringList{"--screenshot", shot, "--window-size", "1200x800"},
                           offscreen(home.path()), 60000);
      QVERIFY2(r.code == 0, qPrintable(action.join(' ') + ": " + r.err));
      QCOMPARE(QImage(shot).size(), QSize(1200, 800));
      for (const char* name : {"m-int4.safetensors", "m-int2.safetensors", "m-int8.safetensors"})
        QVERIFY2(aqtest::read_file(dir / name) == kEarlier, name);
    }
  }

  void comparisonScreenshot() {
    QTemporaryDir home;
    aqtest::TempDir dir;
    guitest::writeSmallDit(dir / "m.safetensors", 128, 4);
    const QString shot = home.filePath("cmp.png");
    const Run r = launch({QString::fromStdString((dir / "m.safetensors").string()), "--compare", "2,8",
                          "--screenshot", shot, "--window-size", "1300x850"},
                         offscreen(home.path()));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(QImage(shot).size(), QSize(1300, 850));
    // Both runs were written next to the model.
    QVERIFY(std::filesystem::exists(dir / "m-int2.safetensors"));
    QVERIFY(std::filesystem::exists(dir / "m-int8.safetensors"));
  }

  void aBadModelStillOpensTheWindow() {
    QTemporaryDir home;
    const QString shot = home.filePath("err.png");
    const Run r = launch({"/nonexistent/model.safetensors", "--screenshot", shot}, offscreen(home.path()));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(!QImage(shot).isNull());
  }
};

QTEST_GUILESS_MAIN(LaunchTest)
#include "launch_test.moc"
