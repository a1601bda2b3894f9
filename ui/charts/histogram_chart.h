#pragma once
// One layer's weights: the original distribution with each compared run's dequantized values
// overlaid, or each run's error distribution (dequantized - original). The data comes from
// aq::layer_histograms (the engine's kernels); this class only draws it.
#include <QString>
#include <vector>

#include "metrics/layer_histogram.h"
#include "ui/charts/qt_chart_panel.h"

class QCheckBox;
class QComboBox;
class QLogValueAxis;
class QValueAxis;

namespace aqui {

enum class HistogramView { Values, Errors };

class HistogramChart : public QtChartPanel {
  Q_OBJECT
 public:
  explicit HistogramChart(QWidget* parent = nullptr);

  void clear() override;
  int pointCount() const override;
  /// `labels[i]` names h.schemes[i] (the run it stands for); colours follow `colors[i]`.
  void setData(const aq::LayerHistograms& h, const std::vector<QString>& labels,
               const std::vector<int>& colors = {});
  /// Shown in the title when there is nothing to draw ("select a layer", an error).
  void setMessage(const QString& message);
  void setView(HistogramView v);
  HistogramView view() const { return view_; }
  void setLogScale(bool on);

 protected:
  void rescale() override;
  void restyle() override;

 private:
  void rebuild();

  aq::LayerHistograms data_;
  std::vector<QString> labels_;
  std::vector<int> colors_;
  bool hasData_ = false;
  HistogramView view_ = HistogramView::Values;
  bool log_ = false;
  QComboBox* viewBox_;
  QCheckBox* logBox_;
  QValueAxis* x_;
  QValueAxis* yLinear_;
  QLogValueAxis* yLog_;
  double yMax_ = 1, yMinPositive_ = 1e-6;
};

}  // namespace aqui
