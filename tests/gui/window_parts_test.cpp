// The parts MainWindow is wired from (issue 10's split), tested on their own: what RunNarrator says
// about a cancel and a failure, ExportController's actions and refusals, ModelSession's opening.
#include <QAction>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>
#include <fstream>

#include "gui_fixtures.h"
#include "io/model_source.h"
#include "test_support.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/comparison_view.h"
#include "ui/compare/run_history.h"
#include "ui/job/log_view.h"
#include "ui/job/progress_status.h"
#include "ui/job/run_narrator.h"
#include "ui/model/model_session.h"
#include "ui/report/export_controller.h"
#include "ui/util/error_banner.h"

using namespace aqui;

namespace {
QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

aq::JobResult ended(aq::JobStatus status, const std::string& output) {
  aq::JobResult r;
  r.status = status;
  r.config.output = output;
  r.error = aq::make_error(aq::ErrorKind::Io, "/out/m.safetensors", "blocks.0.attn.qkv.weight",
                           "no space left on the disk");
  return r;
}
}  // namespace

class WindowPartsTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;

 private slots:
  void initTestCase() { guitest::isolateSettings(); }

  void aCancelIsAWarningAndAFailureSaysWhatFailed() {
    QMainWindow host;
    auto* log = new LogView;
    auto* banner = new ErrorBanner;
    auto* progress = new ProgressStatus;
    RunNarrator narrator(log, banner, progress, host.statusBar(), &host);
    narrator.failed(ended(aq::JobStatus::Cancelled, "/nonexistent/out.safetensors"), 10);
    QCOMPARE(log->errors(), 0);
    QCOMPARE(log->warnings(), 1);
    QVERIFY(log->toPlainText().contains("no output file written"));
    QVERIFY(banner->isHidden());

    narrator.failed(ended(aq::JobStatus::Failed, ""), 10);
    QCOMPARE(log->errors(), 1);
    // The engine's message names the file, the tensor and the reason; the banner shows it too.
    for (const char* part : {"/out/m.safetensors", "blocks.0.attn.qkv.weight", "no space left"}) {
      QVERIFY2(log->toPlainText().contains(part), part);
      QVERIFY2(banner->text().contains(part), part);
    }
  }

  void exportsNeedARunAndSayWhyNot() {
    QMainWindow host;
    RunHistory history;
    auto* comparison = new ComparisonView(&history);
    auto* live = new LiveChartsPanel;
    auto* tabs = new QTabWidget;
    tabs->addTab(live, "run");
    tabs->addTab(comparison, "compare");
    auto* log = new LogView;
    ExportController exports({&host, &history, comparison, live, tabs, log, host.statusBar()}, &host);
    QMenu menu;
    exports.addActionsTo(&menu);
    QCOMPARE(menu.actions().size(), 5);
    for (QAction* a : menu.actions()) QVERIFY(!a->isEnabled());
    QVERIFY(exports.html(qs(dir_ / "r.html")).contains("nothing to export"));
    QVERIFY(!QFileInfo::exists(qs(dir_ / "r.html")));

    auto r = std::make_shared<aq::JobResult>();
    r->status = aq::JobStatus::Succeeded;
    r->config.input = "/models/demo.safetensors";
    history.add(r);
    exports.updateActions();
    for (QAction* a : menu.actions()) QVERIFY(a->isEnabled());
    QCOMPARE(exports.json(qs(dir_ / "r.json")), QString());
    QVERIFY(QFileInfo(qs(dir_ / "r.json")).size() > 0);
  }

  void aFailedOpenKeepsTheModelThatWasOpen() {
    guitest::writeSmallDit(dir_ / "good.safetensors", 64, 1);
    { std::ofstream(dir_ / "bad.safetensors") << "not a model"; }
    ModelSession session;
    QSignalSpy opened(&session, &ModelSession::opened), failed(&session, &ModelSession::failed);
    session.open(qs(dir_ / "good.safetensors"));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
    QVERIFY(session.source());
    QVERIFY(!session.plan());
    QVERIFY(session.replan({}));
    QVERIFY(session.plan()->quantized_count > 0);

    session.open(qs(dir_ / "bad.safetensors"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
    QVERIFY(failed.front().at(1).toString().contains("bad.safetensors"));
    QCOMPARE(session.path(), qs(dir_ / "good.safetensors"));
    QVERIFY(session.source());
  }
};

QTEST_MAIN(WindowPartsTest)
#include "window_parts_test.moc"
