// Runs carry their model (issue 10): the Compare view names each run's model in its run list and
// table, and warns when the ticked runs are of different models; the report says the same.
#include <QLabel>
#include <QListWidget>
#include <QTableWidget>
#include <QTest>

#include "ui/compare/comparison_rows.h"
#include "ui/compare/comparison_view.h"
#include "ui/compare/run_history.h"
#include "ui/report/report_builder.h"

using namespace aqui;

namespace {

std::shared_ptr<const aq::JobResult> runOf(const std::string& input, int bits) {
  auto r = std::make_shared<aq::JobResult>();
  r->status = aq::JobStatus::Succeeded;
  r->config.input = input;
  r->config.plan.scheme.bits = bits;
  return r;
}

QString column(const QTableWidget* t, const QString& header, int row) {
  for (int c = 0; c < t->columnCount(); ++c)
    if (t->horizontalHeaderItem(c)->text() == header) return t->item(row, c)->text();
  return "(no column " + header + ")";
}

QString noteOf(const ComparisonView& v) {
  QString all;
  for (const QLabel* l : v.findChildren<QLabel*>()) all += l->text() + "\n";
  return all;
}

}  // namespace

class CompareModelsTest : public QObject {
  Q_OBJECT
 private slots:
  void eachRunShowsItsModel() {
    RunHistory history;
    ComparisonView view(&history);
    const int a = history.add(runOf("/models/demo.safetensors", 4)).id;
    const int b = history.add(runOf("/models/demo.safetensors", 8)).id;
    view.compare({a, b});
    QCOMPARE(column(view.table(), "Model", 0), QString("demo.safetensors"));
    QCOMPARE(column(view.table(), "Model", 1), QString("demo.safetensors"));
    QVERIFY(!noteOf(view).contains("different models"));
    const auto* list = view.findChild<QListWidget*>("runList");
    QVERIFY(list->item(0)->text().contains("demo.safetensors"));
  }

  void runsOfDifferentModelsAreFlagged() {
    RunHistory history;
    ComparisonView view(&history);
    const int a = history.add(runOf("/models/demo.safetensors", 4)).id;
    const int b = history.add(runOf("/models/flux.safetensors", 4)).id;
    view.compare({a, b});
    QCOMPARE(column(view.table(), "Model", 1), QString("flux.safetensors"));
    QVERIFY(noteOf(view).contains("different models (demo.safetensors, flux.safetensors)"));

    // The same file name in two folders is told apart by its path.
    const int c = history.add(runOf("/other/demo.safetensors", 4)).id;
    QVERIFY(mixedModelsWarning(history.select({a, c})).contains("/other/demo.safetensors"));
    QVERIFY(mixedModelsWarning(history.select({a})).isEmpty());

    // The comparison report carries the warning.
    const aq::ReportDocument doc = buildReport({history.select({a, b}), {}});
    bool warned = false;
    for (const auto& p : doc.sections.front().paragraphs) warned = warned || p.find("different models") != std::string::npos;
    QVERIFY(warned);
  }
};

QTEST_MAIN(CompareModelsTest)
#include "compare_models_test.moc"
