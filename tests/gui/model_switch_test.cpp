// State between models (issue 10): opening another model clears the layer filter, the previous
// run's charts and table figures, and re-estimates; the runs of the first model stay in Compare,
// labelled with their model. The export actions are enabled only once there is a run to export.
#include <QAction>
#include <QLineEdit>
#include <QListWidget>
#include <QTest>

#include "gui_fixtures.h"
#include "io/model_source.h"
#include "test_support.h"
#include "ui/charts/chart_panel.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/comparison_view.h"
#include "ui/main_window.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/layer_table_view.h"
#include "ui/settings/estimate_view.h"

using namespace aqui;

namespace {

QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

QList<QAction*> exportActions(MainWindow& w) {
  QList<QAction*> out;
  for (QAction* a : w.findChildren<QAction*>())
    if (a->text().startsWith("Report as") || a->text().startsWith("Data as") || a->text().startsWith("All &Charts"))
      out << a;
  return out;
}

}  // namespace

class ModelSwitchTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    guitest::writeSmallDit(dir_ / "first.safetensors", 128, 2, 1);
    guitest::writeSmallDit(dir_ / "second.safetensors", 64, 3, 2);
  }

  void anotherModelStartsClean() {
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(dir_ / "first.safetensors")));
    const auto exports = exportActions(w);
    QCOMPARE(exports.size(), 5);
    for (QAction* a : exports) QVERIFY2(!a->isEnabled(), qPrintable(a->text()));

    guitest::part<aqui::LayerTableView>(w)->filterEdit()->setText("attn");
    QVERIFY(guitest::runAndWait(w));
    for (QAction* a : exports) QVERIFY2(a->isEnabled(), qPrintable(a->text()));
    bool anyChart = false;
    for (ChartPanel* c : guitest::part<aqui::LiveChartsPanel>(w)->charts()) anyChart = anyChart || !c->isEmpty();
    QVERIFY(anyChart);
    QVERIFY(guitest::part<aqui::LayerTableModel>(w)->resultCount() > 0);

    QVERIFY(guitest::openAndWait(w, qs(dir_ / "second.safetensors")));
    QVERIFY(guitest::part<aqui::LayerTableView>(w)->filterEdit()->text().isEmpty());
    for (ChartPanel* c : guitest::part<aqui::LiveChartsPanel>(w)->charts()) QVERIFY2(c->isEmpty(), qPrintable(c->title()));
    QCOMPARE(guitest::part<aqui::LayerTableModel>(w)->resultCount(), 0);
    QCOMPARE(guitest::part<aqui::LayerTableModel>(w)->rowCount(), int(w.source()->tensors().size()));
    QTRY_VERIFY_WITH_TIMEOUT(guitest::part<aqui::EstimateView>(w)->timeText().contains("≈"), 20000);
    // The first model's run is still there to compare or export, and says whose it is.
    const auto* runs = w.comparison()->findChild<QListWidget*>("runList");
    QCOMPARE(runs->count(), 1);
    QVERIFY(runs->item(0)->text().contains("first.safetensors"));
    for (QAction* a : exports) QVERIFY(a->isEnabled());
  }
};

QTEST_MAIN(ModelSwitchTest)
#include "model_switch_test.moc"
