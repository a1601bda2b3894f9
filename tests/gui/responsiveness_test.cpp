// How responsive the window stays while the demo model (33 M parameters) is quantized: a 5 ms
// timer on the GUI thread records the longest gap between its ticks. The goal is under 50 ms;
// machines are noisy, so the figure is printed and only a loose sanity bound is asserted.
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>

#include "gui_fixtures.h"
#include "ui/app/launch_director.h"
#include "ui/main_window.h"
#include "ui/settings/settings_panel.h"

using namespace aqui;

namespace {

struct Gaps {
  qint64 maxMs = 0;
  double meanMs = 0;
  int ticks = 0;
  double runS = 0;
};

// Runs `start` and measures the GUI thread's tick gaps until the queue of runs finishes.
Gaps measure(MainWindow& w, const std::function<bool()>& start) {
  Gaps g;
  QElapsedTimer clock, total;
  bool done = false;
  auto c = QObject::connect(&w, &MainWindow::runsFinished, [&] { done = true; });
  QTimer tick;
  tick.setTimerType(Qt::PreciseTimer);
  tick.setInterval(5);
  QObject::connect(&tick, &QTimer::timeout, [&] {
    const qint64 gap = clock.restart();
    g.maxMs = std::max(g.maxMs, gap);
    ++g.ticks;
  });
  total.start();
  clock.start();
  tick.start();
  if (!start()) return g;
  while (!done) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
  tick.stop();
  QObject::disconnect(c);
  g.runS = total.elapsed() / 1000.0;
  g.meanMs = g.ticks ? total.elapsed() / double(g.ticks) : 0;
  return g;
}

}  // namespace

class ResponsivenessTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    initUiResources();
  }

  void demoModelRunKeepsTheWindowResponsive() {
    MainWindow w;
    w.resize(1500, 950);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(guitest::openDemoAndWait(w));
    QTest::qWait(500);  // let the estimate settle

    auto* mode = w.settingsPanel()->findChild<QComboBox*>("mode");
    qint64 worst = 0;
    std::printf("\nGUI responsiveness while quantizing the demo model (5 ms timer, longest gap):\n");
    for (const char* scenario : {"streaming", "batch", "compare 2,4,8"}) {
      const bool batch = std::string(scenario) == "batch";
      mode->setCurrentIndex(mode->findData(int(batch ? aq::Mode::Batch : aq::Mode::Streaming)));
      for (int rep = 0; rep < 3; ++rep) {
        const bool cmp = std::string(scenario).rfind("compare", 0) == 0;
        const Gaps g = measure(w, [&] { return cmp ? w.startCompare({2, 4, 8}) : w.startRun(); });
        QVERIFY(g.ticks > 0);
        std::printf("  %-14s run %d: %.2f s, %d ticks, longest gap %lld ms, mean %.1f ms\n", scenario, rep + 1,
                    g.runS, g.ticks, static_cast<long long>(g.maxMs), g.meanMs);
        worst = std::max(worst, g.maxMs);
      }
    }
    std::printf("RESPONSIVENESS: longest GUI event-loop gap during demo runs = %lld ms (goal < 50 ms)\n",
                static_cast<long long>(worst));
    std::fflush(stdout);
    QVERIFY(worst < 2000);
  }
};

QTEST_MAIN(ResponsivenessTest)
#include "responsiveness_test.moc"
