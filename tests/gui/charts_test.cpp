// Every chart on its own, without a main window (the way the benchmark suite uses them): data in,
// points drawn, tooltips, legend toggling, zoom, and offscreen PNG/SVG rendering.
#include <QApplication>
#include <QImage>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QValueAxis>
#include <QtCharts/QXYSeries>
#include <set>

#include "gui_fixtures.h"
#include "io/model_source.h"
#include "metrics/layer_histogram.h"
#include "test_support.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/chart_exporter.h"
#include "ui/charts/histogram_chart.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/size_error_chart.h"
#include "ui/charts/speed_chart.h"

using namespace aqui;

namespace {

std::vector<aq::TensorResult> fakeResults(int n, double sqnrBase) {
  std::vector<aq::TensorResult> v;
  for (int i = 0; i < n; ++i) {
    aq::TensorResult r;
    r.index = std::size_t(i * 2);
    r.name = "blocks." + std::to_string(i) + ".attn.qkv.weight";
    r.decision = aq::Decision::Quantize;
    r.metrics.sqnr_db = sqnrBase + (i % 3);
    r.metrics.cosine = 0.99 - 0.001 * i;
    r.metrics.rel_fro_error = 0.1 + 0.01 * i;
    r.seconds = 0.01;
    r.mb_per_s = 100 + i;
    v.push_back(r);
  }
  return v;
}

// A rendered chart is not blank: it has many distinct colours.
int distinctColours(const QImage& img) {
  std::set<QRgb> c;
  for (int y = 0; y < img.height(); y += 7)
    for (int x = 0; x < img.width(); x += 7) c.insert(img.pixel(x, y));
  return int(c.size());
}

void checkRendering(ChartPanel& chart) {
  const QImage img = chart.renderImage(QSize(800, 450), 1.0);
  QCOMPARE(img.size(), QSize(800, 450));
  QVERIFY2(distinctColours(img) > 8, qPrintable(chart.key()));
  QCOMPARE(img.pixelColor(2, 2), QColor(Qt::white));  // exports use the light theme
  const QByteArray svg = chart.renderSvg(QSize(800, 450));
  QVERIFY(svg.contains("<svg"));
  QSvgRenderer r(svg);
  QVERIFY(r.isValid());
  QCOMPARE(r.defaultSize(), QSize(800, 450));
}

}  // namespace

class ChartsTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { guitest::isolateSettings(); }

  void memoryChartMarksThePeak() {
    MemoryChart c;
    QVERIFY(c.isEmpty());
    std::vector<aq::MemorySample> s;
    for (int i = 0; i < 100; ++i) {
      const uint64_t mib = uint64_t(100 + (i == 60 ? 300 : i));
      s.push_back({i * 0.05, mib << 20, (mib / 2) << 20, (mib / 2) << 20, mib << 20});
    }
    c.addSamples({s.begin(), s.begin() + 50});
    c.addSamples({s.begin() + 50, s.end()});
    QCOMPARE(c.pointCount(), 100);
    QCOMPARE(c.peakMiB(), 400.0);
    c.resize(600, 400);
    checkRendering(c);
    c.clear();
    QVERIFY(c.isEmpty());
  }

  void accuracyChartOverlaysRunsWithTooltipsAndMetricSwitch() {
    AccuracyChart c;
    c.resize(600, 400);
    c.show();
    QVERIFY(QTest::qWaitForWindowExposed(&c));
    c.addResults("#1 INT2", fakeResults(20, 7));
    c.addResults("#2 INT8", fakeResults(20, 42));
    QCOMPARE(c.runCount(), 2);
    QCOMPARE(c.pointCount(), 40);
    auto* axisY = qobject_cast<QValueAxis*>(c.chart()->axes(Qt::Vertical).front());
    QVERIFY(axisY->max() >= 44 && axisY->min() <= 7);  // both runs in view

    // Hovering a point names its layer.
    auto* series = qobject_cast<QXYSeries*>(c.chart()->series().front());
    emit series->hovered(series->at(3), true);
    QTRY_VERIFY(QToolTip::text().contains("blocks.3.attn.qkv.weight"));
    emit series->hovered(series->at(3), false);

    c.setMetric(AccuracyMetric::Cosine);
    QCOMPARE(axisY->titleText(), metricName(AccuracyMetric::Cosine));
    QVERIFY(axisY->max() <= 1.0);
    QCOMPARE(c.pointCount(), 40);

    // Clicking a legend entry hides and shows its series; the entry stays, dimmed meanwhile.
    QLegendMarker* m = c.chart()->legend()->markers(series).front();
    emit m->clicked();
    QVERIFY(!series->isVisible());
    QCOMPARE(c.chart()->legend()->markers(series).size(), 1);
    QVERIFY(m->labelBrush().color().alphaF() < 0.5);
    emit m->clicked();
    QVERIFY(series->isVisible());
    QVERIFY(m->labelBrush().color().alphaF() > 0.9);

    // Zoom in, and back.
    c.chart()->zoomIn();
    QVERIFY(c.chart()->isZoomed());
    c.resetZoom();
    QVERIFY(!c.chart()->isZoomed());
    checkRendering(c);
  }

  void batchModeOrderIsSortedByLayer() {
    AccuracyChart c;
    auto r = fakeResults(10, 20);
    std::reverse(r.begin(), r.end());  // batch mode finishes tensors in any order
    c.addResults("run", {r.begin(), r.begin() + 5});
    c.addResults("run", {r.begin() + 5, r.end()});
    auto* s = qobject_cast<QXYSeries*>(c.chart()->series().front());
    for (int i = 1; i < s->count(); ++i) QVERIFY(s->at(i).x() > s->at(i - 1).x());
  }

  void speedChartOverTimeAndPerLayer() {
    SpeedChart c;
    for (int i = 1; i <= 20; ++i) {
      aq::Progress p;
      p.elapsed_s = 0.05 * i;
      p.bytes_done = uint64_t(i) * 10'000'000;
      p.bytes_total = 200'000'000;
      p.mb_per_s = 200;
      c.addProgress(p);
    }
    QCOMPARE(c.pointCount(), 20 + 19);
    c.addResults(fakeResults(12, 20));
    c.setView(SpeedView::PerLayer);
    QCOMPARE(c.view(), SpeedView::PerLayer);
    checkRendering(c);
  }

  void sizeErrorChartOnePointPerRun() {
    SizeErrorChart c;
    c.setPoints({{"#1 INT2", 12, 0.42, 7.5, 0}, {"#2 INT4", 20, 0.12, 18, 1}, {"#3 INT8", 36, 0.007, 42, 2}});
    QCOMPARE(c.pointCount(), 3);
    checkRendering(c);
  }

  void histogramChartFromTheEngine() {
    aqtest::TempDir dir;
    guitest::writeSmallDit(dir / "m.safetensors");
    auto src = aq::open_model(dir / "m.safetensors");
    QVERIFY(src.ok());
    const auto index = std::size_t((*src)->find("blocks.0.mlp.fc1.weight"));
    aq::QuantScheme s2, s8;
    s2.bits = 2;
    s8.bits = 8;
    auto h = aq::layer_histograms(**src, index, {s2, s8});
    QVERIFY(h.ok());
    HistogramChart c;
    c.setData(*h, {"INT2", "INT8"});
    QVERIFY(c.pointCount() > 0);
    QVERIFY(c.chart()->title().contains("blocks.0.mlp.fc1.weight"));
    c.setView(HistogramView::Errors);
    QVERIFY(c.pointCount() > 0);
    c.setLogScale(true);
    QVERIFY(c.pointCount() > 0);
    checkRendering(c);
    c.setMessage("nothing");
    QCOMPARE(c.pointCount(), 0);
  }

  void exporterWritesValidFiles() {
    QTemporaryDir dir;
    MemoryChart c;
    c.addSamples({{0, 10 << 20, 5 << 20, 5 << 20, 10 << 20}, {1, 20 << 20, 5 << 20, 15 << 20, 20 << 20}});
    QVERIFY(ChartExporter::savePng(c, dir.filePath("m.png")).isEmpty());
    QVERIFY(ChartExporter::saveSvg(c, dir.filePath("m.svg")).isEmpty());
    QImage png(dir.filePath("m.png"));
    QCOMPARE(png.size(), ChartPanel::kExportSize * 2);  // 2x for sharp text
    QVERIFY(QSvgRenderer(dir.filePath("m.svg")).isValid());
    QString err;
    const QStringList files = ChartExporter::saveAll({&c}, dir.path(), "run", &err);
    QVERIFY(err.isEmpty());
    QCOMPARE(files.size(), 2);
    QVERIFY(files.front().endsWith("run-memory.png"));
    QVERIFY(!ChartExporter::savePng(c, "/nonexistent-dir/x.png").isEmpty());
  }

  void darkThemeOnScreenLightExport() {
    AccuracyChart c;
    c.addResults("run", fakeResults(5, 20));
    c.setDarkTheme(true);
    QCOMPARE(c.chart()->theme(), QChart::ChartThemeDark);
    const QImage img = c.renderImage(QSize(400, 300), 1.0);
    QCOMPARE(img.pixelColor(2, 2), QColor(Qt::white));
    QCOMPARE(c.chart()->theme(), QChart::ChartThemeDark);  // the view is left as it was
  }
};

QTEST_MAIN(ChartsTest)
#include "charts_test.moc"
