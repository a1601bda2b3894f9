// Calibrated runs in the window, offscreen: the accuracy chart's output-SQNR line, the timestep
// heat map (cells against the results, labels from the file's bucket edges, export), the chart
// unchanged without calibration, and a run refused for an unusable calibration file.
#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QSvgRenderer>
#include <QTest>
#include <QtCharts/QChart>
#include <QtCharts/QXYSeries>
#include <cmath>
#include <set>

#include "gui_calibration.h"
#include "gui_fixtures.h"
#include "test_support.h"
#include "ui/app/launch_director.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/bucket_heat_map.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/speed_chart.h"
#include "ui/compare/run_history.h"
#include "ui/job/log_view.h"
#include "ui/main_window.h"
#include "ui/settings/calibration_group.h"
#include "ui/settings/settings_panel.h"
#include "ui/util/error_banner.h"

using namespace aqui;

namespace {

QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

void useCalibration(MainWindow& w, const QString& file) {
  RunSettings s = w.settingsPanel()->settings();
  s.calibration.file = file;
  w.settingsPanel()->setSettings(s);
}

bool waitRead(CalibrationGroup& g) {
  QElapsedTimer t;
  t.start();
  while ((g.reading() || !g.summary()) && t.elapsed() < 20000) QTest::qWait(10);
  return g.summary().has_value();
}

int distinctColours(const QImage& img) {
  std::set<QRgb> c;
  for (int y = 0; y < img.height(); y += 5)
    for (int x = 0; x < img.width(); x += 5) c.insert(img.pixel(x, y));
  return int(c.size());
}

}  // namespace

class CalibrationRunTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;
  std::filesystem::path model_, cal_;
  std::vector<std::string> layers_;  // calibrated, in model order

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    initUiResources();
    const guitest::CalibratedModel m = guitest::writeCalibratedSmallDit(dir_.path());
    model_ = m.model;
    cal_ = m.calibration;
    layers_ = m.layers;
    QVERIFY(layers_.size() >= 4);
  }

  void calibratedRunDrawsOutputSqnrAndHeatMap() {
    MainWindow w;
    w.resize(1480, 940);  // wide enough for every chart (a narrow window folds some away)
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    useCalibration(w, qs(cal_));
    QVERIFY(waitRead(*w.settingsPanel()->calibration()));
    QCOMPARE(w.settingsPanel()->calibration()->statusText(),
             QString("3 buckets (t 0–29), %1 layers").arg(layers_.size()));
    QVERIFY(guitest::runAndWait(w));
    const aq::JobResult& r = *guitest::part<aqui::RunHistory>(w)->last()->result;
    QCOMPARE(r.status, aq::JobStatus::Succeeded);
    QCOMPARE(QString::fromStdString(r.config.calibration.file.string()), qs(cal_));

    // The results: every quantized tensor is calibrated here.
    std::map<double, const aq::TensorResult*> calibrated;  // by tensor index
    int quantized = 0;
    for (const auto& t : r.tensors) {
      quantized += t.quantized();
      if (t.output_error) calibrated[double(t.index)] = &t;
    }
    QCOMPARE(int(calibrated.size()), quantized);
    QCOMPARE(int(calibrated.size()), int(layers_.size()));

    // Accuracy chart: one output-SQNR point per quantized layer, at its output SQNR, drawn
    // beside the weight SQNR, and the title and legend say which is which.
    AccuracyChart* acc = guitest::part<aqui::LiveChartsPanel>(w)->accuracy();
    QCOMPARE(acc->outputPointCount(), quantized);
    QCOMPARE(acc->pointCount(), 2 * quantized);
    const QList<QPointF> out = acc->outputPoints(0);
    QCOMPARE(int(out.size()), quantized);
    for (const QPointF& p : out) {
      QVERIFY(calibrated.count(p.x()));
      QCOMPARE(p.y(), calibrated[p.x()]->output_error->sqnr_db);
    }
    QVERIFY2(acc->chart()->title().contains("output vs weight"), qPrintable(acc->chart()->title()));
    QStringList names;
    for (auto* s : acc->chart()->series()) names << s->name();
    QVERIFY2(names.contains("weight SQNR") && names.contains("output SQNR"), qPrintable(names.join('|')));

    // Heat map: shown instead of its placeholder, layers x buckets cells matching the results.
    LiveChartsPanel* live = guitest::part<aqui::LiveChartsPanel>(w);
    BucketHeatMap* heat = live->heatMap();
    QVERIFY(!heat->isHidden());
    QVERIFY2(!live->note()->toolTip().contains("heat map"), qPrintable(live->note()->toolTip()));  // no placeholder
    const BucketHeatMapData& d = heat->data();
    QCOMPARE(d.layerCount(), quantized);
    QCOMPARE(d.bucketCount(), 3);
    QCOMPARE(heat->pointCount(), quantized * 3);
    int missing = 0;
    for (int i = 0; i < d.layerCount(); ++i) {
      const aq::TensorResult& t = *calibrated[double(d.layer(i).index)];
      QCOMPARE(d.layer(i).name, QString::fromStdString(t.name));
      for (int b = 0; b < 3; ++b) {
        const double rel = t.output_error->bucket_relative[std::size_t(b)];
        if (std::isnan(rel)) {
          QVERIFY(std::isnan(d.db(i, b)));
          ++missing;
        } else {
          QCOMPARE(d.db(i, b), -10.0 * std::log10(rel));
        }
      }
    }
    QCOMPARE(missing, 1);  // the fixture's empty bucket
    QVERIFY(std::isnan(d.db(0, 2)));
    // Buckets are labelled with the file's timesteps.
    QVERIFY2(heat->cellText(1, 1).contains("t 10–19"), qPrintable(heat->cellText(1, 1)));
    QVERIFY(heat->cellText(0, 2).contains("no inputs"));

    // It exports with the other charts.
    QCOMPARE(int(live->charts().size()), 4);
    aqtest::TempDir out2;
    QVERIFY(w.exportCharts(qs(out2.path()), MainWindow::ReportScope::CurrentRun).isEmpty());
    const QImage png(qs(out2 / "run-timestep-heatmap.png"));
    QCOMPARE(png.size(), ChartPanel::kExportSize * 2);
    QVERIFY(distinctColours(png) > 12);
    QVERIFY(QSvgRenderer(guitest::readAll(qs(out2 / "run-timestep-heatmap.svg"))).isValid());
    if (const QString keep = qEnvironmentVariable("AQ_TEST_EXPORT_DIR"); !keep.isEmpty())
      w.exportCharts(keep, MainWindow::ReportScope::CurrentRun);
  }

  void withoutCalibrationTheChartIsAsBefore() {
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    useCalibration(w, {});
    QVERIFY(guitest::runAndWait(w));
    AccuracyChart* acc = guitest::part<aqui::LiveChartsPanel>(w)->accuracy();
    QCOMPARE(acc->outputPointCount(), 0);
    QCOMPARE(acc->chart()->series().size(), 1);
    QCOMPARE(acc->chart()->title(), QString("Per-layer accuracy"));
    QVERIFY(acc->chart()->series().front()->name().startsWith("#"));
    QVERIFY(guitest::part<aqui::LiveChartsPanel>(w)->heatMap()->isHidden());
    QVERIFY(!guitest::part<aqui::LiveChartsPanel>(w)->note()->isHidden());
    // The note under the charts holds as many notes as fit; its tooltip all of them.
    QVERIFY(guitest::part<aqui::LiveChartsPanel>(w)->note()->toolTip().contains("needs a calibration file"));
    QCOMPARE(int(guitest::part<aqui::LiveChartsPanel>(w)->charts().size()), 3);
  }

  void unusableFileRefusesTheRun() {
    const auto bad = dir_ / "not-calibration.h5";
    aqtest::write_file(bad, {1, 2, 3, 4, 5});
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    useCalibration(w, qs(bad));
    QVERIFY(waitRead(*w.settingsPanel()->calibration()));
    QVERIFY(w.settingsPanel()->calibration()->statusText().contains("not an HDF5 file"));
    QVERIFY(!w.startRun());
    QVERIFY(!w.startCompare({2, 4}));
    QVERIFY(guitest::part<aqui::RunHistory>(w)->runs().empty());
    QVERIFY2(guitest::part<aqui::ErrorBanner>(w)->isVisible() && guitest::part<aqui::ErrorBanner>(w)->text().contains(qs(bad).toHtmlEscaped()),
             qPrintable(guitest::part<aqui::ErrorBanner>(w)->text()));
    QVERIFY(guitest::part<aqui::LogView>(w)->toPlainText().contains("Run not started: " + qs(bad)));

    // A well-formed file for another model passes the form; the engine refuses it, by name.
    const auto other = dir_ / "other-model.h5";
    guitest::writeSmallDit(dir_ / "other.safetensors", 32, 1);
    aq::PlanOptions plan = RunSettings{}.planOptions();
    guitest::writeCalibrationFor(dir_ / "other.safetensors", plan, other, 2);
    useCalibration(w, qs(other));
    QVERIFY(waitRead(*w.settingsPanel()->calibration()));
    QVERIFY(!guitest::runAndWait(w));
    QVERIFY2(guitest::part<aqui::ErrorBanner>(w)->text().contains("other-model.h5"), qPrintable(guitest::part<aqui::ErrorBanner>(w)->text()));
  }

  void narrowPanelKeepsThePerLayerCharts() {
    LiveChartsPanel p;
    p.resize(1200, 300);
    p.show();
    QVERIFY(QTest::qWaitForWindowExposed(&p));
    p.startRun("#1", "/data/cal.h5");
    QVERIFY(p.note()->text().contains("waiting"));
    aq::TensorResult t;
    t.index = 3;
    t.name = "blocks.0.attn.qkv.weight";
    t.metrics.sqnr_db = 17;
    t.output_error = aq::OutputError{0.001, 30, {0.001, 0.002}, 0.01, true};
    EventBatch b;
    b.tensors = {t};
    p.apply(b);
    QVERIFY(!p.heatMap()->isHidden() && !p.memory()->isHidden() && !p.speed()->isHidden());
    QVERIFY(p.note()->isHidden());
    // Too narrow for four: memory and speed fold away, and the note says so; wide again, back.
    p.resize(700, 300);
    QTRY_VERIFY(p.memory()->isHidden() && p.speed()->isHidden());
    QVERIFY(!p.heatMap()->isHidden() && !p.accuracy()->isHidden());
    QVERIFY(p.note()->isVisible() && p.note()->text().contains("widen"));
    p.resize(1200, 300);
    QTRY_VERIFY(!p.memory()->isHidden() && !p.speed()->isHidden());
    QVERIFY(p.note()->isHidden());
    // The next run without calibration: three charts and the note about the heat map.
    p.resize(700, 300);
    p.startRun("#2");
    QTRY_VERIFY(!p.memory()->isHidden());
    QVERIFY(p.heatMap()->isHidden());
    QVERIFY(p.note()->text().contains("needs a calibration file"));
  }

  void heatMapOnItsOwn() {
    BucketHeatMap h;
    QVERIFY(h.isEmpty());
    std::vector<aq::TensorResult> results;
    for (int i = 0; i < 6; ++i) {
      aq::TensorResult t;
      t.index = std::size_t(5 - i) * 3;  // out of order, as batch mode finishes them
      t.name = "blocks." + std::to_string(5 - i) + ".mlp.fc1.weight";
      aq::OutputError e;
      e.bucket_relative = {1e-2, 1e-3, i == 2 ? std::nan("") : 1e-4, 0.0};
      t.output_error = e;
      results.push_back(t);
    }
    aq::TensorResult plain;  // data-free: not on the map
    plain.index = 100;
    results.push_back(plain);
    h.addResults(results);
    QCOMPARE(h.data().layerCount(), 6);
    QCOMPARE(h.data().bucketCount(), 4);
    QCOMPARE(h.data().layer(0).index, std::size_t(0));  // model order
    QCOMPARE(h.data().db(0, 0), 20.0);
    QCOMPARE(h.data().db(0, 2), 40.0);
    QVERIFY(std::isinf(h.data().db(0, 3)));  // zero error: exact
    QVERIFY(h.cellText(0, 3).contains("exact"));
    QVERIFY(std::isnan(h.data().db(3, 2)));
    // Edges that do not match the buckets are not used for labels.
    h.setBucketEdges({0, 10, 20});
    QVERIFY(h.cellText(0, 1).contains("bucket 1"));
    h.setBucketEdges({0, 250, 500, 750, 1000});
    QVERIFY(h.cellText(0, 1).contains("t 250–499"));
    h.resize(500, 300);
    h.show();
    QVERIFY(QTest::qWaitForWindowExposed(&h));
    const QImage img = h.renderImage(QSize(640, 360), 1.0);
    QCOMPARE(img.pixelColor(2, 2), QColor(Qt::white));
    QVERIFY(distinctColours(img) > 12);
    h.setDarkTheme(true);
    QCOMPARE(h.renderImage(QSize(640, 360), 1.0).pixelColor(2, 2), QColor(Qt::white));  // exports stay light
    h.clear();
    QVERIFY(h.isEmpty());
    QCOMPARE(h.pointCount(), 0);
  }
};

QTEST_MAIN(CalibrationRunTest)
#include "calibration_run_test.moc"
