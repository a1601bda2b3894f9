// A GUI run is within 10% of the CLI's time for the same job (issue 10): the demo model (DiT-S/2,
// 33 M parameters) at INT4 search, written to a file. The CLI's side is the engine's job API run
// in process as arrowquant-cli runs it (open, plan, quantize, write; an observer that draws
// nothing); the GUI's side is MainWindow::startRun() on the shown window, with the model open as
// a user has it.
//
// Two figures are taken for each: the run time each front end reports (JobResult::wall_s: the
// GUI's "Done: #1 in …", the CLI's totals) and the time until the front end is done: the CLI's
// call returning; the GUI's runsFinished, with the table, the charts and the log holding the
// run's results, and the window's repaint after it. The bound is on the second, what a user
// waits for: within 10% of the CLI's.
//
// The machine may be a noisy shared 2-core VM: after a warm-up of each, the two are run
// alternately (the order swapped every pair, so that neither always follows the other) and their
// medians compared; a failure prints every figure.
#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "demo/synthetic_model.h"
#include "gui_fixtures.h"
#include "job/job.h"
#include "ui/app/launch_director.h"
#include "ui/compare/run_history.h"
#include "ui/job/delivery_pacer.h"
#include "ui/main_window.h"
#include "ui/settings/settings_panel.h"
#include "ui/util/format.h"

using namespace aqui;

namespace {

constexpr int kPairs = 9;
constexpr int kRounds = 3;  // rounds of kPairs before the GUI is judged slower
constexpr double kTolerance = 1.10;

struct Timing {
  double reported = -1;  // JobResult::wall_s
  double done = -1;      // until the front end is done
  double windowCpu = 0;  // the GUI's: CPU time of its thread (the window's own work), seconds
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Timing cliRun(const aq::JobConfig& config) {
  aq::JobObserver quiet;
  aq::CancelToken cancel;
  QElapsedTimer t;
  t.start();
  const aq::JobResult r = aq::run_job(config, quiet, cancel);
  const double done = double(t.nsecsElapsed()) / 1e9;
  if (r.status != aq::JobStatus::Succeeded) return {};
  return {r.wall_s, done};
}

// Until done: runsFinished, then the events it left (the repaint of the table and the charts;
// left for later, it would be charged to the next run).
Timing guiRun(MainWindow& w) {
  QElapsedTimer t;
  t.start();
  const double cpu0 = threadCpuSeconds();
  const bool ok = guitest::runAndWait(w, {}, 300000);
  QCoreApplication::processEvents();
  const double done = double(t.nsecsElapsed()) / 1e9;
  const double windowCpu = threadCpuSeconds() - cpu0;
  if (!ok || !guitest::part<aqui::RunHistory>(w)->last()) return {};
  return {guitest::part<aqui::RunHistory>(w)->last()->result->wall_s, done, windowCpu};
}

}  // namespace

class SpeedParityTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    initUiResources();
  }

  void guiRunIsWithinTenPercentOfTheCli() {
    QTemporaryDir out;
    QVERIFY(out.isValid());
    MainWindow w;
    w.resize(1500, 950);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QVERIFY(guitest::openDemoAndWait(w));

    RunSettings s = w.settingsPanel()->settings();
    s.bits = 4;
    s.method = aq::Method::Search;
    s.format = OutputFormat::Packed;
    s.write_output = true;
    s.output = out.filePath("gui-int4.safetensors");
    w.settingsPanel()->setSettings(s);
    aq::JobConfig cli = s.jobConfig(qstr(aq::demo_model_path().string()));
    cli.output = sstr(out.filePath("cli-int4.safetensors"));
    QTest::qWait(1500);  // the estimate measures a sample of the model; let it finish

    // Warm-up: the page cache, the thread pools, the charts' first layouts, the glyph caches.
    for (int i = 0; i < 2; ++i) {
      QVERIFY(cliRun(cli).done > 0);
      QVERIFY(guiRun(w).done > 0);
    }
    // The same job: the same bytes (the GUI names its output from the settings).
    const QString guiOutput = qstr(guitest::part<aqui::RunHistory>(w)->last()->result->config.output.string());
    QVERIFY(!guiOutput.isEmpty());
    QCOMPARE(guitest::readAll(guiOutput), guitest::readAll(out.filePath("cli-int4.safetensors")));

    // Another process can only slow a run down, never speed it up: up to kRounds rounds of
    // alternating pairs, and the GUI passes as soon as one round's medians are within the bound.
    // A GUI that is really slower fails every round.
    bool within = false;
    QByteArray done;
    for (int round = 1; round <= kRounds && !within; ++round) {
      std::vector<Timing> cliTimes, guiTimes;
      for (int i = 0; i < kPairs; ++i) {
        const bool cliFirst = i % 2 == 0;
        for (int k = 0; k < 2; ++k) {
          const bool runCli = (k == 0) == cliFirst;
          const Timing t = runCli ? cliRun(cli) : guiRun(w);
          QVERIFY2(t.done > 0, runCli ? "the CLI's run failed" : "the GUI's run failed");
          (runCli ? cliTimes : guiTimes).push_back(t);
        }
      }
      auto medianOf = [](const std::vector<Timing>& v, double Timing::*field) {
        std::vector<double> x;
        for (const auto& t : v) x.push_back(t.*field);
        return median(x);
      };
      const double cliReported = medianOf(cliTimes, &Timing::reported), guiReported = medianOf(guiTimes, &Timing::reported);
      const double cliDone = medianOf(cliTimes, &Timing::done), guiDone = medianOf(guiTimes, &Timing::done);
      std::printf("\nSPEED PARITY: demo model, INT4 search, %d alternating runs each (reported run time / until done)\n",
                  kPairs);
      for (int i = 0; i < kPairs; ++i)
        std::printf("  pair %d: CLI %.3f / %.3f s, GUI %.3f / %.3f s\n", i + 1, cliTimes[i].reported, cliTimes[i].done,
                    guiTimes[i].reported, guiTimes[i].done);
      std::printf("  median run time: CLI %.3f s, GUI %.3f s (GUI/CLI %.2f)\n", cliReported, guiReported,
                  guiReported / cliReported);
      std::printf("  median until done: CLI %.3f s, GUI %.3f s (GUI/CLI %.2f, limit %.2f)\n", cliDone, guiDone,
                  guiDone / cliDone, kTolerance);
      std::printf("  median CPU time of the GUI thread per run: %.1f ms\n", medianOf(guiTimes, &Timing::windowCpu) * 1000);
      std::fflush(stdout);
      done = QString("the GUI was done after %1 s (median), the CLI after %2 s: more than %3x")
                 .arg(guiDone, 0, 'f', 3)
                 .arg(cliDone, 0, 'f', 3)
                 .arg(kTolerance, 0, 'f', 2)
                 .toUtf8();
      within = guiDone <= kTolerance * cliDone;
      std::printf("  round %d of %d: %s\n", round, kRounds, within ? "within the bound" : "outside the bound");
    }
    QVERIFY2(within, done.constData());
  }
};

QTEST_MAIN(SpeedParityTest)
#include "speed_parity_test.moc"
