#pragma once
// Resident memory of the process over the run (MiB), split into anonymous and file-backed
// pages (the memory-mapped model), with the peak marked.
#include <vector>

#include "job/job.h"
#include "ui/charts/qt_chart_panel.h"

class QGraphicsSimpleTextItem;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace aqui {

class MemoryChart : public QtChartPanel {
  Q_OBJECT
 public:
  explicit MemoryChart(QWidget* parent = nullptr);

  void clear() override;
  int pointCount() const override;
  void addSamples(const std::vector<aq::MemorySample>& samples);
  /// Largest resident size seen, MiB.
  double peakMiB() const { return peakMiB_; }
  /// The "peak … MiB" label over the peak's marker (hidden while there is no peak).
  const QGraphicsSimpleTextItem* peakLabel() const { return peakLabel_; }

 protected:
  void rescale() override;
  void restyle() override;

 private:
  void placePeakLabel();

  QLineSeries* rss_;
  QLineSeries* anon_;
  QLineSeries* file_;
  QScatterSeries* peak_;
  QGraphicsSimpleTextItem* peakLabel_;
  QValueAxis* x_;
  QValueAxis* y_;
  double maxT_ = 0;
  double peakMiB_ = 0;
};

}  // namespace aqui
