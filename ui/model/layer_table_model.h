#pragma once
// One row per tensor of the open model: what it is, what the plan does with it, and (after a
// run) how accurate the result is. Numbers are sorted by value through SortRole.
#include <QAbstractTableModel>
#include <optional>
#include <vector>

#include "job/estimate.h"
#include "job/job.h"
#include "job/verify_run.h"
#include "tensor/tensor_info.h"

namespace aq {
class LogicalModel;
class ModelSource;
}

namespace aqui {

class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Shape, DType, Params, PlanCol, Cosine, Sqnr, RelError, Bpw, Time, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;
  static constexpr int TensorIndexRole = Qt::UserRole + 2;  // index into the source's tensors
  static constexpr int QuantizedRole = Qt::UserRole + 3;    // bool: the plan quantizes it

  struct Row {
    aq::TensorInfo info;
    std::optional<aq::TensorPlan> plan;
    std::optional<aq::TensorResult> result;
    std::optional<double> predicted_sqnr_db;  // from the estimate's sample, until a result arrives
    std::optional<aq::RunVerification::Tensor> verified;  // the written file read back (Verify)
  };

  using QAbstractTableModel::QAbstractTableModel;

  void setSource(const aq::ModelSource* source);  // nullptr clears
  /// A new plan: its column changes, and the predicted figures of the previous one are dropped.
  void setPlan(const aq::Plan& plan);
  /// The estimate's predicted SQNR per tensor, shown ("≈ 21.2 dB", muted) where no result is.
  void setPredicted(const aq::RunEstimate& estimate);
  /// Marks each result with what the written file read back gave (✓ or ✗ beside its SQNR).
  void setVerified(const aq::RunVerification& verification);
  /// A quantized file opened read-only: one row per tensor as its user knows it, the plan column
  /// ("Stored as") giving the type it is stored with. setSource() leaves this mode.
  void setStoredModel(const aq::LogicalModel& model);
  bool storedMode() const { return stored_; }
  void clearResults();
  void applyResults(const std::vector<aq::TensorResult>& results);
  /// Shows a finished run's results (e.g. one picked in the comparison view).
  void showRun(const aq::JobResult& result);

  const Row& rowAt(int row) const { return rows_[std::size_t(row)]; }
  int resultCount() const { return results_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  QVariant display(const Row& r, int column) const;
  QVariant sortKey(const Row& r, int column) const;

  std::vector<Row> rows_;
  int results_ = 0;
  bool stored_ = false;
};

/// "INT4 g64", "INT8 channel sym", "q4_k", or "float: 1-D (norms and biases)".
QString planText(const aq::TensorPlan& plan);

}  // namespace aqui
