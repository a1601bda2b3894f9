// The live charts belong to one model: opening another one empties them, so a run of the
// previous model is never shown as this model's.
#include <QApplication>
#include <QLabel>
#include <QTest>

#include "gui_fixtures.h"
#include "test_support.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/speed_chart.h"
#include "ui/main_window.h"

using namespace aqui;

class ChartLifecycleTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { guitest::isolateSettings(); }

  void openingAnotherModelClearsTheCharts() {
    aqtest::TempDir dir;
    guitest::writeSmallDit(dir / "a.safetensors");
    guitest::writeSmallDit(dir / "b.safetensors", 64, 1, 11);
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, QString::fromStdString((dir / "a.safetensors").string())));
    QVERIFY(guitest::runAndWait(w));
    LiveChartsPanel* live = guitest::part<aqui::LiveChartsPanel>(w);
    QVERIFY(live->accuracy()->pointCount() > 0);
    QVERIFY(live->memory()->pointCount() > 0);

    // A run this short has no line over time: the speed chart falls back to per layer, and the
    // note under the charts says why (a narrow chart drops that part of its title).
    QCOMPARE(live->speed()->shownView(), SpeedView::PerLayer);
    QVERIFY2(live->note()->isVisible() && live->note()->text().contains("too short to plot over time"),
             qPrintable(live->note()->text()));

    QVERIFY(guitest::openAndWait(w, QString::fromStdString((dir / "b.safetensors").string())));
    QVERIFY(!live->note()->text().contains("too short"));
    QCOMPARE(live->accuracy()->pointCount(), 0);
    QCOMPARE(live->accuracy()->runCount(), 0);
    QCOMPARE(live->memory()->pointCount(), 0);
    QCOMPARE(live->speed()->pointCount(), 0);
  }
};

QTEST_MAIN(ChartLifecycleTest)
#include "chart_lifecycle_test.moc"
