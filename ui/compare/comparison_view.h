#pragma once
// Side-by-side view of any runs of the session: their per-layer accuracy overlaid, a table of
// size, bits, accuracy, time and memory, size against error, and one layer's weight histogram
// with each run's quantized values (or errors) on top of the original.
#include <QWidget>
#include <memory>
#include <vector>

#include "ui/compare/run_history.h"

namespace aq {
class ModelSource;
class Session;
}

class QComboBox;
class QLabel;
class QListWidget;
class QSplitter;
class QTableWidget;

namespace aqui {

class AccuracyChart;
class ChartPanel;
class HistogramChart;
class HistogramService;
class SizeErrorChart;

class ComparisonView : public QWidget {
  Q_OBJECT
 public:
  explicit ComparisonView(RunHistory* history, QWidget* parent = nullptr);

  /// The open model: histograms are computed on it (aq::Session::histograms) for runs made on it.
  void setSession(std::shared_ptr<const aq::Session> session);
  /// Ticks exactly these runs and refreshes the view.
  void compare(const std::vector<int>& runIds);
  std::vector<int> selectedRunIds() const;
  std::vector<RunRecord> comparedRuns() const;
  /// Shows this tensor's histogram (e.g. the row picked in the layer table).
  void setLayer(std::size_t index);
  std::ptrdiff_t layer() const { return layer_; }

  AccuracyChart* accuracy() const { return accuracy_; }
  SizeErrorChart* sizeError() const { return sizeError_; }
  HistogramChart* histogram() const { return histogram_; }
  QTableWidget* table() const { return table_; }
  std::vector<ChartPanel*> charts() const;
  QSplitter* splitter() const { return vsplit_; }

 signals:
  void comparisonChanged();
  void histogramUpdated();

 private:
  void addRunItem(const RunRecord& run);
  void refresh();
  void fillTable(const std::vector<RunRecord>& runs);
  void fillLayers(const std::vector<RunRecord>& runs);
  void requestHistogram();

  RunHistory* history_;
  std::shared_ptr<const aq::Session> session_;
  std::ptrdiff_t layer_ = -1;
  bool updating_ = false;
  QListWidget* runList_;
  QTableWidget* table_;
  AccuracyChart* accuracy_;
  SizeErrorChart* sizeError_;
  HistogramChart* histogram_;
  HistogramService* histograms_;
  QComboBox* layerBox_;
  QLabel* note_;
  QSplitter* vsplit_;
};

}  // namespace aqui
