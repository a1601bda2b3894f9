#include "ui/charts/memory_chart.h"

#include <QBrush>
#include <QGraphicsSimpleTextItem>
#include <QHBoxLayout>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>

#include "ui/charts/series_palette.h"

namespace aqui {
namespace {
double mib(uint64_t b) { return double(b) / (1024.0 * 1024.0); }
}

MemoryChart::MemoryChart(QWidget* parent) : QtChartPanel("memory", "Memory (resident MiB)", parent) {
  rss_ = new QLineSeries;
  rss_->setName("RSS");
  anon_ = new QLineSeries;
  anon_->setName("anon");
  file_ = new QLineSeries;
  file_->setName("file");
  peak_ = new QScatterSeries;
  peak_->setName("peak");
  peak_->setMarkerSize(11);
  // Its label is an item of our own, not the series' point label: Qt centres a point label over
  // its point, and over a peak near either end of the time axis it ran into the axis' labels.
  peakLabel_ = new QGraphicsSimpleTextItem(chart());
  peakLabel_->setZValue(10);
  x_ = new QValueAxis;
  x_->setTitleText("time (s)");
  y_ = new QValueAxis;
  y_->setTitleText("MiB");
  chart()->addAxis(x_, Qt::AlignBottom);
  chart()->addAxis(y_, Qt::AlignLeft);
  manageAxis(x_, true);
  manageAxis(y_, true);
  for (QXYSeries* s : std::initializer_list<QXYSeries*>{rss_, anon_, file_, peak_}) attach(s, x_, y_);
  rss_->setProperty("tip", "resident set size of the process (VmRSS)");
  anon_->setProperty("tip", "anonymous pages: buffers, scales, the application itself (RssAnon)");
  file_->setProperty("tip", "file-backed pages: the memory-mapped model (RssFile)");
  for (QLineSeries* s : {rss_, anon_, file_})
    connect(s, &QLineSeries::hovered, this, [this, s](const QPointF& p, bool on) {
      if (on) showTip(QString("%1: %2<br>t = %3 s: <b>%4 MiB</b>").arg(s->name(), s->property("tip").toString()).arg(p.x(), 0, 'f', 2).arg(p.y(), 0, 'f', 1));
      else hideTip();
    });
  // The label follows its marker wherever the plot moves it: a fit, a zoom, a resize.
  for (QValueAxis* a : {x_, y_}) connect(a, &QValueAxis::rangeChanged, this, &MemoryChart::placePeakLabel);
  connect(chart(), &QChart::plotAreaChanged, this, &MemoryChart::placePeakLabel);
  connect(peak_, &QScatterSeries::visibleChanged, this, &MemoryChart::placePeakLabel);  // legend toggle
  restyle();
  hookLegend();
  clear();
}

void MemoryChart::placePeakLabel() {
  if (peak_->count() == 0 || !peak_->isVisible()) {
    peakLabel_->hide();
    return;
  }
  // Above the marker, kept inside the plot area (below the marker if there is no room above).
  const QRectF plot = chart()->plotArea();
  const QPointF at = chart()->mapToPosition(peak_->at(0), peak_);
  const QRectF box = peakLabel_->boundingRect();
  const double x = std::clamp(at.x() - box.width() / 2, plot.left() + 2, std::max(plot.left() + 2, plot.right() - box.width() - 2));
  double y = at.y() - box.height() - 7;
  if (y < plot.top()) y = at.y() + 7;
  peakLabel_->setPos(x, y);
  peakLabel_->show();
}

void MemoryChart::restyle() {
  rss_->setPen(QPen(seriesColor(0), 2.2));
  anon_->setPen(QPen(seriesColor(1), 1.4));
  file_->setPen(QPen(seriesColor(2), 1.4, Qt::DashLine));
  peak_->setColor(QColor(0xd9, 0x3f, 0x3f));
  peak_->setBorderColor(Qt::white);
  peakLabel_->setBrush(dark() ? QColor(0xff, 0x9a, 0x9a) : QColor(0xb0, 0x20, 0x20));
  QFont f = chart()->legend()->font();
  f.setBold(true);
  peakLabel_->setFont(f);
  placePeakLabel();
}

void MemoryChart::clear() {
  for (QXYSeries* s : std::initializer_list<QXYSeries*>{rss_, anon_, file_, peak_}) s->clear();
  peakLabel_->setText(QString());  // the old run's "peak …" must not come back
  peakLabel_->hide();
  maxT_ = 0;
  peakMiB_ = 0;
  setAxisRange(x_, 0, 1);
  setAxisRange(y_, 0, 100);
}

int MemoryChart::pointCount() const { return int(rss_->count()); }

void MemoryChart::addSamples(const std::vector<aq::MemorySample>& samples) {
  if (samples.empty()) return;
  QList<QPointF> rss, anon, file;
  for (const auto& s : samples) {
    rss.append({s.t_s, mib(s.rss)});
    anon.append({s.t_s, mib(s.rss_anon)});
    file.append({s.t_s, mib(s.rss_file)});
    maxT_ = std::max(maxT_, s.t_s);
    if (mib(s.rss) > peakMiB_) {
      peakMiB_ = mib(s.rss);
      peak_->replace(QList<QPointF>{{s.t_s, peakMiB_}});
      peakLabel_->setText(QString("peak %1 MiB").arg(peakMiB_, 0, 'f', 1));
    }
  }
  rss_->append(rss);
  anon_->append(anon);
  file_->append(file);
  dataChanged();
  placePeakLabel();
}

void MemoryChart::rescale() {
  // The time axis ends where the samples do (a 10 ms run is not drawn in a corner of 100 ms).
  fitAxis(x_, 0, maxT_ > 0 ? maxT_ : 0.1, true, true);
  fitAxis(y_, 0, std::max(peakMiB_ * 1.12, 1.0), true, true);  // headroom for the peak label
}

}  // namespace aqui
