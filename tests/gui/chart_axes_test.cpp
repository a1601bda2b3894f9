// Chart axes as the user reads them: every tick label drawn on screen equals the value at its
// position, non-negative quantities never get a negative range, log axes print plain numbers,
// and charts repaint cleanly between runs (speed of a short run, the memory peak, maximising).
#include <QApplication>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QGraphicsView>
#include <QSplitter>
#include <QTest>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <QtCharts/QXYSeries>
#include <cmath>
#include <set>

#include "gui_fixtures.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/axis_fit.h"
#include "ui/charts/chart_maximiser.h"
#include "ui/charts/histogram_chart.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/size_error_chart.h"
#include "ui/charts/speed_chart.h"

using namespace aqui;

namespace {

std::vector<aq::TensorResult> results(int n, double x0, double dx, double lo, double hi) {
  std::vector<aq::TensorResult> v;
  for (int i = 0; i < n; ++i) {
    aq::TensorResult r;
    r.index = std::size_t(x0 + i * dx);
    r.name = "t" + std::to_string(i);
    r.decision = aq::Decision::Quantize;
    const double f = n > 1 ? double(i) / (n - 1) : 0.0;
    r.metrics.sqnr_db = lo + (hi - lo) * f;
    r.metrics.cosine = 1 - std::pow(10.0, -(lo + (hi - lo) * f) / 10);
    r.metrics.rel_fro_error = (lo + (hi - lo) * f) / 100;
    r.seconds = 0.01;
    r.mb_per_s = lo + (hi - lo) * f;
    v.push_back(r);
  }
  return v;
}

struct Label {
  QString text;
  QPointF at;  // centre, in scene coordinates
};

// The numeric labels drawn along one side of the plot area (titles and legends do not parse).
std::vector<Label> axisLabels(QChart* chart, Qt::Orientation o) {
  const QRectF plot = chart->mapToScene(chart->plotArea()).boundingRect();
  std::vector<Label> out;
  for (QGraphicsItem* item : chart->scene()->items()) {
    auto* t = dynamic_cast<QGraphicsTextItem*>(item);
    if (!t || !t->isVisible()) continue;
    const QRectF r = t->sceneBoundingRect();
    const QPointF c = r.center();
    const bool below = c.y() > plot.bottom() && c.y() < plot.bottom() + 30 && c.x() > plot.left() - 40 &&
                       c.x() < plot.right() + 40;
    const bool left = c.x() < plot.left() && c.x() > plot.left() - 90 && c.y() > plot.top() - 12 &&
                      c.y() < plot.bottom() + 12;
    if ((o == Qt::Horizontal && below) || (o == Qt::Vertical && left)) {
      const QString s = t->toPlainText();
      bool ok = false;
      s.toDouble(&ok);
      if (ok || s.contains(QChar(0x2026)) || s.contains("...")) out.push_back({s, c});
    }
  }
  return out;
}

// Every label of the chart's axis `o` parses, is not elided, and equals the axis value at its
// position (within 3 pixels); a non-negative axis shows no negative label.
void checkAxis(QChart* chart, Qt::Orientation o, bool nonNegative, const char* what) {
  const auto axes = chart->axes(o);
  QAbstractAxis* axis = nullptr;
  for (QAbstractAxis* a : axes)
    if (a->isVisible()) axis = a;
  QVERIFY2(axis, what);
  const QRectF plot = chart->mapToScene(chart->plotArea()).boundingRect();
  const auto labels = axisLabels(chart, o);
  QVERIFY2(labels.size() >= 2, qPrintable(QString("%1: %2 labels").arg(what).arg(labels.size())));
  const double pixels = o == Qt::Horizontal ? plot.width() : plot.height();
  for (const Label& l : labels) {
    bool ok = false;
    const double v = l.text.toDouble(&ok);
    QVERIFY2(ok, qPrintable(QString("%1: label '%2' is not a number (elided?)").arg(what, l.text)));
    const double frac = o == Qt::Horizontal ? (l.at.x() - plot.left()) / pixels : (plot.bottom() - l.at.y()) / pixels;
    double at = 0, tol = 0;
    if (auto* va = qobject_cast<QValueAxis*>(axis)) {
      at = va->min() + frac * (va->max() - va->min());
      tol = 3.0 / pixels * (va->max() - va->min());
    } else if (auto* la = qobject_cast<QLogValueAxis*>(axis)) {
      const double a = std::log10(la->min()), b = std::log10(la->max());
      at = std::pow(10.0, a + frac * (b - a));
      tol = at * (std::pow(10.0, 3.0 / pixels * (b - a)) - 1);
      QVERIFY2(!l.text.contains('e'), qPrintable(QString("%1: log label '%2'").arg(what, l.text)));
    }
    QVERIFY2(std::abs(v - at) <= tol,
             qPrintable(QString("%1: label '%2' sits at %3 (±%4)").arg(what, l.text).arg(at).arg(tol)));
    if (nonNegative) QVERIFY2(v >= 0, qPrintable(QString("%1: negative label '%2'").arg(what, l.text)));
  }
}

void layout(QWidget& w, QSize size) {
  w.resize(size);
  w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&w));
  QApplication::processEvents();
  QApplication::processEvents();
}

const QList<QSize> kSizes = {QSize(900, 520), QSize(260, 240)};

}  // namespace

class ChartAxesTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { guitest::isolateSettings(); }

  // The arithmetic alone, over many ranges: nice steps, padding kept, exact labels.
  void fitIsNiceAndExact() {
    const double ranges[][2] = {{0, 78},      {0, 3},        {0, 1},     {0.2, 0.7},  {12.3, 31.7},
                                {0.9951, 0.99993}, {-0.12, 0.13}, {0, 2987}, {5, 5},     {1e-6, 3e-6},
                                {-40, -3},    {0.05, 1.9},   {0, 0.35},  {100, 101}};
    for (const auto& r : ranges)
      for (bool nonNeg : {false, true})
        for (int n : {1, 2, 3, 5, 8, 10}) {
          AxisRequest q;
          q.lo = r[0];
          q.hi = r[1];
          q.nonNegative = nonNeg && r[0] >= 0;
          q.maxIntervals = n;
          const AxisFit f = fitAxisRange(q);
          const QString ctx = QString("[%1, %2] n=%3").arg(r[0]).arg(r[1]).arg(n);
          const double m = f.step / std::pow(10.0, std::floor(std::log10(f.step) + 1e-9));
          QVERIFY2(std::abs(m - 1) < 1e-9 || std::abs(m - 2) < 1e-9 || std::abs(m - 5) < 1e-9, qPrintable(ctx));
          QVERIFY2(f.lo <= r[0] && f.hi >= r[1], qPrintable(ctx));
          QVERIFY2(f.intervals() <= std::max(2, n) && f.intervals() >= 1, qPrintable(ctx));
          if (q.nonNegative) QVERIFY2(f.lo >= 0, qPrintable(ctx));
          for (double t : f.ticks()) {
            const QString s = tickLabel(t, f.decimals);
            QVERIFY2(std::abs(s.toDouble() - t) <= f.step * 1e-6, qPrintable(ctx + " " + s));
          }
        }
    // Padding happens before the rounding: data on a tick still gets a margin beyond it.
    AxisRequest q;
    q.lo = 10;
    q.hi = 20;
    q.maxIntervals = 5;
    const AxisFit f = fitAxisRange(q);
    QVERIFY(f.lo < 10 && f.hi > 20);
    // Tensor numbers are whole.
    q.lo = 0;
    q.hi = 3;
    q.integer = true;
    q.nonNegative = true;
    q.maxIntervals = 10;
    QCOMPARE(fitAxisRange(q).step, 1.0);
    QCOMPARE(tickLabel(-0.0001, 2), QString("0.00"));
    // A cosine axis never passes 1, however the padding and rounding come out.
    for (double lo : {0.2, 0.9, 0.99, 0.9999}) {
      AxisRequest c;
      c.lo = lo;
      c.hi = 1.0;
      c.atMost = 1.0;
      const AxisFit fc = fitAxisRange(c);
      QVERIFY2(fc.hi == 1.0 && fc.lo <= lo, qPrintable(QString("cosine from %1: [%2, %3]").arg(lo).arg(fc.lo).arg(fc.hi)));
    }
  }

  // A run's first events empty the charts and fill them inside an AxisDeferral: each axis is
  // laid out once, at the end, and ends exactly where it would have without the deferral.
  void deferredAxesEndWhereImmediateOnesDo() {
    for (int metric : {int(AccuracyMetric::Sqnr), int(AccuracyMetric::Cosine)}) {
      AccuracyChart immediate, deferred;
      for (AccuracyChart* c : {&immediate, &deferred}) {
        c->setMetric(AccuracyMetric(metric));
        layout(*c, QSize(700, 420));
        c->addResults("#1", results(20, 0, 1, 5, 9));  // a previous run's range
      }
      auto* dx = qobject_cast<QValueAxis*>(deferred.chart()->axes(Qt::Horizontal).front());
      auto* dy = qobject_cast<QValueAxis*>(deferred.chart()->axes(Qt::Vertical).front());
      const double before = dx->max();
      immediate.clear();
      immediate.addResults("#2", results(79, 0, 2, 12.3, 31.7));
      {
        const QtChartPanel::AxisDeferral hold(deferred);
        deferred.clear();
        deferred.addResults("#2", results(79, 0, 2, 12.3, 31.7));
        QCOMPARE(dx->max(), before);  // noted, not yet laid out
      }
      QApplication::processEvents();
      const QList<QAbstractAxis*> ia = {immediate.chart()->axes(Qt::Horizontal).front(),
                                        immediate.chart()->axes(Qt::Vertical).front()};
      const QList<QValueAxis*> da = {dx, dy};
      for (int i = 0; i < 2; ++i) {
        auto* a = qobject_cast<QValueAxis*>(ia[i]);
        QCOMPARE(da[i]->min(), a->min());
        QCOMPARE(da[i]->max(), a->max());
        QCOMPARE(da[i]->tickInterval(), a->tickInterval());
        QCOMPARE(da[i]->labelFormat(), a->labelFormat());
      }
      QVERIFY(dx->max() >= 156);
      if (metric == int(AccuracyMetric::Cosine)) QVERIFY(dy->max() <= 1.0);
      checkAxis(deferred.chart(), Qt::Horizontal, true, "deferred tensor #");
      checkAxis(deferred.chart(), Qt::Vertical, false, "deferred metric");
    }
  }

  void logRangeIsPlain() {
    const LogAxisFit f = fitLogRange(0.007, 42);
    QCOMPARE(f.lo, 0.001);
    QCOMPARE(f.hi, 100.0);
    for (double v = f.lo; v <= f.hi * 1.001; v *= 10)
      QVERIFY(!QString::asprintf(qPrintable(f.format), v).contains('e'));
    QVERIFY(fitLogRange(1e-9, 1).lo >= kLogAxisFloor);
  }

  void accuracyLabelsSitOnTheirTicks_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("metric");
    QTest::newRow("79 tensors, SQNR") << 79 << 12.3 << 31.7 << int(AccuracyMetric::Sqnr);
    QTest::newRow("4 tensors, SQNR") << 4 << 20.0 << 20.4 << int(AccuracyMetric::Sqnr);
    QTest::newRow("cosine") << 30 << 20.0 << 45.0 << int(AccuracyMetric::Cosine);
    QTest::newRow("rel error") << 12 << 0.3 << 3.1 << int(AccuracyMetric::RelError);
    QTest::newRow("one tensor") << 1 << 25.0 << 25.0 << int(AccuracyMetric::Sqnr);
  }
  void accuracyLabelsSitOnTheirTicks() {
    QFETCH(int, n);
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, metric);
    for (QSize size : kSizes) {
      AccuracyChart c;
      c.setMetric(AccuracyMetric(metric));
      layout(c, size);
      checkAxis(c.chart(), Qt::Horizontal, true, "empty x");  // the placeholder range too
      checkAxis(c.chart(), Qt::Vertical, false, "empty y");
      c.addResults("run", results(n, 0, n > 1 ? 78.0 / (n - 1) : 1, lo, hi));
      QApplication::processEvents();
      checkAxis(c.chart(), Qt::Horizontal, true, "tensor #");
      checkAxis(c.chart(), Qt::Vertical, AccuracyMetric(metric) == AccuracyMetric::RelError, "metric");
      auto* x = qobject_cast<QValueAxis*>(c.chart()->axes(Qt::Horizontal).front());
      QVERIFY2(x->min() >= 0, "tensor numbers start at 0");
      QVERIFY(x->max() >= 78 || n < 2);
    }
  }

  void memoryAndSpeedNeverNegative() {
    for (QSize size : kSizes) {
      MemoryChart m;
      layout(m, size);
      checkAxis(m.chart(), Qt::Horizontal, true, "empty time");
      checkAxis(m.chart(), Qt::Vertical, true, "empty MiB");
      std::vector<aq::MemorySample> s;
      for (int i = 0; i < 8; ++i) {
        const uint64_t b = uint64_t(12 + i * 400) << 20;
        s.push_back({i * 0.05, b, b / 2, b / 2, b});
      }
      m.addSamples(s);
      QApplication::processEvents();
      checkAxis(m.chart(), Qt::Horizontal, true, "time");
      checkAxis(m.chart(), Qt::Vertical, true, "MiB");

      SpeedChart sp;
      layout(sp, size);
      checkAxis(sp.chart(), Qt::Horizontal, true, "empty speed x");
      for (int i = 1; i <= 20; ++i) {
        aq::Progress p;
        p.elapsed_s = 0.05 + i * 0.09;
        p.bytes_done = uint64_t(i) * 40'000'000;
        p.mb_per_s = 40 + i * 100;
        sp.addProgress(p);
      }
      QApplication::processEvents();
      checkAxis(sp.chart(), Qt::Horizontal, true, "speed time");
      checkAxis(sp.chart(), Qt::Vertical, true, "MB/s");
      sp.addResults(results(10, 3, 7, 5, 900));
      sp.setView(SpeedView::PerLayer);
      QApplication::processEvents();
      checkAxis(sp.chart(), Qt::Horizontal, true, "speed tensor #");
      checkAxis(sp.chart(), Qt::Vertical, true, "MB/s per layer");
    }
  }

  void zoomKeepsLabelsExact() {
    AccuracyChart c;
    layout(c, QSize(800, 480));
    c.addResults("run", results(79, 0, 1, 12.3, 31.7));
    QApplication::processEvents();
    c.chart()->zoomIn(QRectF(c.chart()->plotArea().topLeft() + QPointF(37, 23), QSizeF(211, 157)));
    QApplication::processEvents();
    checkAxis(c.chart(), Qt::Horizontal, true, "zoomed x");
    checkAxis(c.chart(), Qt::Vertical, false, "zoomed y");
    c.chart()->scroll(-2000, 0);  // far past tensor 0
    QApplication::processEvents();
    checkAxis(c.chart(), Qt::Horizontal, true, "panned x");
  }

  void logAxesPrintPlainNumbers() {
    SizeErrorChart c;
    layout(c, QSize(700, 450));
    c.setPoints({{"#1 INT2", 12, 0.42, 7.5, 0}, {"#2 INT4", 20, 0.12, 18, 1}, {"#3 INT8", 36, 0.007, 42, 2}});
    QApplication::processEvents();
    checkAxis(c.chart(), Qt::Vertical, true, "log error");
    checkAxis(c.chart(), Qt::Horizontal, true, "size");

    aq::LayerHistograms h;
    h.name = "blocks.0.mlp.fc1.weight";
    h.elements = 1 << 20;
    h.original.lo = -0.12;
    h.original.hi = 0.13;
    h.original.counts = {1, 10, 300, 5000, 90000, 500000, 400000, 50000, 3000, 264, 0, 1};
    HistogramChart hc;
    hc.setData(h, {});
    hc.setLogScale(true);
    layout(hc, QSize(700, 450));
    checkAxis(hc.chart(), Qt::Vertical, true, "histogram log");
    checkAxis(hc.chart(), Qt::Horizontal, false, "histogram x");
    hc.setLogScale(false);
    QApplication::processEvents();
    checkAxis(hc.chart(), Qt::Vertical, true, "histogram linear");
  }

  void shortRunFallsBackToPerLayerSpeed() {
    SpeedChart c;
    layout(c, QSize(600, 400));
    aq::Progress p;
    p.elapsed_s = 0.02;
    p.bytes_done = 1000000;
    p.mb_per_s = 50;
    c.addProgress(p);  // one progress update: no line over time
    c.addResults(results(5, 0, 2, 80, 120));
    QCOMPARE(c.view(), SpeedView::OverTime);
    QCOMPARE(c.shownView(), SpeedView::PerLayer);
    QVERIFY(c.fullTitle().contains("too short"));
    int drawn = 0;
    for (auto* s : c.chart()->series()) drawn += int(static_cast<QXYSeries*>(s)->count());
    QCOMPARE(drawn, 5);
    c.clear();
    QCOMPARE(c.shownView(), SpeedView::OverTime);
    QVERIFY(!c.fullTitle().contains("too short"));
  }

  void peakLabelGoesWithItsRun() {
    MemoryChart m;
    layout(m, QSize(500, 300));
    m.addSamples({{0, 10 << 20, 5 << 20, 5 << 20, 10 << 20}, {1, 300 << 20, 5 << 20, 15 << 20, 300 << 20}});
    auto* peak = qobject_cast<QXYSeries*>(m.chart()->series().back());
    QCOMPARE(m.peakLabel()->text(), QString("peak 300.0 MiB"));
    QVERIFY(m.peakLabel()->isVisible());
    m.clear();
    QCOMPARE(peak->count(), 0);
    QVERIFY(m.peakLabel()->text().isEmpty() && !m.peakLabel()->isVisible());
    // Labels outside an item's bounds are only erased by a full repaint.
    auto* view = m.findChild<QGraphicsView*>();
    QCOMPARE(view->viewportUpdateMode(), QGraphicsView::FullViewportUpdate);
  }

  // Wherever the peak falls (the run's start, middle or end) and however narrow the chart, its
  // label stays inside the plot area: it never runs into the axis' tick labels.
  void peakLabelStaysInsideThePlot() {
    for (QSize size : {QSize(230, 220), QSize(330, 260), QSize(700, 400)})
      for (double peakAt : {0.0, 0.05, 0.5, 0.97, 1.0}) {
        MemoryChart m;
        layout(m, size);
        std::vector<aq::MemorySample> samples;
        for (int i = 0; i <= 20; ++i) {
          const double t = i * 0.01;
          const uint64_t rss = (std::abs(t - peakAt * 0.2) < 0.005 ? 80ull : 60ull) << 20;
          samples.push_back({t, rss, 10ull << 20, 50ull << 20, rss});
        }
        m.addSamples(samples);
        QApplication::processEvents();
        const QRectF plot = m.chart()->mapToScene(m.chart()->plotArea()).boundingRect();
        const QRectF label = m.peakLabel()->sceneBoundingRect();
        const QString ctx = QString("%1x%2, peak at %3: label %4..%5, plot %6..%7")
                                .arg(size.width()).arg(size.height()).arg(peakAt)
                                .arg(label.left()).arg(label.right()).arg(plot.left()).arg(plot.right());
        QVERIFY2(m.peakLabel()->isVisible(), qPrintable(ctx));
        QVERIFY2(label.left() >= plot.left() && label.right() <= plot.right() + 0.5, qPrintable(ctx));
        QVERIFY2(label.top() >= plot.top() - 0.5 && label.bottom() <= plot.bottom() + 0.5, qPrintable(ctx));
      }
  }

  void metricToggleLeavesNoStaleSeries() {
    AccuracyChart c;
    layout(c, QSize(600, 400));
    auto a = results(10, 0, 1, 10, 20), b = results(10, 0, 1, 20, 30);
    for (auto& t : a) t.output_error = aq::OutputError{0.03, 15.2, {}, 0.01, true};
    c.addResults("#1", a);
    c.addResults("#2", b);
    for (auto m : {AccuracyMetric::Cosine, AccuracyMetric::RelError, AccuracyMetric::Sqnr, AccuracyMetric::Cosine}) {
      c.setMetric(m);
      QApplication::processEvents();
      auto* y = qobject_cast<QValueAxis*>(c.chart()->axes(Qt::Vertical).front());
      for (auto* s : c.chart()->series()) {
        if (!s->isVisible()) continue;
        for (const QPointF& p : static_cast<QXYSeries*>(s)->points())
          QVERIFY2(p.y() >= y->min() - 1e-9 && p.y() <= y->max() + 1e-9, qPrintable(metricName(m) + " " + s->name()));
      }
      checkAxis(c.chart(), Qt::Vertical, m == AccuracyMetric::RelError, qPrintable(metricName(m)));
    }
    // A new comparison (other runs ticked) starts from an empty chart: nothing of the old stays.
    c.clear();
    c.addResults("#3", b);
    QCOMPARE(c.chart()->series().size(), 1);
    QCOMPARE(c.runCount(), 1);
    QCOMPARE(c.pointCount(), 10);
  }

  void chartMaximisesAndRestores() {
    QWidget window;
    auto* split = new QSplitter;
    auto* memory = new MemoryChart;
    auto* accuracy = new AccuracyChart;
    auto* speed = new SpeedChart;
    split->addWidget(memory);
    split->addWidget(accuracy);
    split->addWidget(speed);
    auto* l = new QVBoxLayout(&window);
    l->addWidget(split);
    layout(window, QSize(1000, 600));
    const QList<int> sizes = split->sizes();
    QVERIFY(accuracy->width() < 500);

    QToolButton* button = accuracy->maximiseButton();
    QCOMPARE(button->text(), QString("Maximise"));
    button->click();
    QApplication::processEvents();
    QVERIFY(isMaximised(accuracy));
    QVERIFY(accuracy->width() >= 990);
    QVERIFY(accuracy->height() >= 590);
    QCOMPARE(button->text(), QString("Restore"));
    checkAxis(accuracy->chart(), Qt::Horizontal, true, "maximised");

    button->click();
    QApplication::processEvents();
    QVERIFY(!isMaximised(accuracy));
    QCOMPARE(split->indexOf(accuracy), 1);
    QCOMPARE(split->sizes(), sizes);
    QCOMPARE(button->text(), QString("Maximise"));

    // Double-click on an unzoomed chart does the same.
    QWidget* viewport = memory->findChild<QGraphicsView*>()->viewport();
    QTest::mouseDClick(viewport, Qt::LeftButton, {}, viewport->rect().center());
    QApplication::processEvents();
    QVERIFY(isMaximised(memory));
    toggleMaximised(memory);
    QApplication::processEvents();
    QCOMPARE(split->indexOf(memory), 0);
  }

  void exportFollowsTheChosenTheme() {
    AccuracyChart c;
    c.addResults("run", results(5, 0, 1, 10, 20));
    c.setDarkTheme(true);
    QCOMPARE(c.renderImage(QSize(300, 200), 1.0).pixelColor(2, 2), QColor(Qt::white));  // reports: light
    c.setExportDark(true);
    QVERIFY(c.renderImage(QSize(300, 200), 1.0).pixelColor(2, 2).lightness() < 100);
    QCOMPARE(c.chart()->theme(), QChart::ChartThemeDark);
    c.setDarkTheme(false);
    QVERIFY(c.renderImage(QSize(300, 200), 1.0).pixelColor(2, 2).lightness() < 100);
    QCOMPARE(c.chart()->theme(), QChart::ChartThemeLight);  // the view is left as it was

    // A small chart on screen is exported at the export's size: the drawing fills the image.
    QWidget w;
    auto* l = new QVBoxLayout(&w);
    auto* m = new MemoryChart;
    l->addWidget(m);
    m->addSamples({{0, 10 << 20, 5 << 20, 5 << 20, 10 << 20}, {1, 300 << 20, 5 << 20, 15 << 20, 300 << 20}});
    layout(w, QSize(260, 200));
    const QImage img = m->renderImage(QSize(800, 450), 1.0);
    std::set<QRgb> lowerRight;
    for (int y = 300; y < 450; y += 3)
      for (int x = 500; x < 800; x += 3) lowerRight.insert(img.pixel(x, y));
    QVERIFY2(lowerRight.size() > 3, "the export is drawn at the on-screen size in a corner");
    checkAxis(m->chart(), Qt::Horizontal, true, "after export");  // the view is laid out again
  }
};

QTEST_MAIN(ChartAxesTest)
#include "chart_axes_test.moc"
