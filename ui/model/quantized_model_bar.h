#pragma once
// Shown above the layer table while a quantized file is open: says it is read-only (quantizing it
// again would only lose more) and offers "Compare with original…", which measures it against the
// model it was made from and reports the result per tensor.
#include <QFrame>
#include <memory>
#include <vector>

#include "ui/compare/original_compare.h"

class QLabel;
class QPushButton;

namespace aqui {

class QuantizedModelBar : public QFrame {
  Q_OBJECT
 public:
  explicit QuantizedModelBar(QWidget* parent = nullptr);

  /// Shows the bar for this file; `model` is kept for the comparison.
  void showModel(const QString& path, std::shared_ptr<const aq::LogicalModel> model);
  /// Hides the bar (an ordinary model was opened).
  void clearModel();
  /// Asks for the original (pre-filled with guessOriginal()), then compares.
  void askOriginal();
  /// Compares with `original` in the background; false when nothing is open or one runs already.
  bool compareWith(const QString& original);

  QPushButton* compareButton() const { return compare_; }
  QString statusText() const;
  std::shared_ptr<const OriginalComparison> lastComparison() const { return last_; }

 signals:
  /// A comparison is done: `label` names it for the chart legend.
  void compared(const QString& label, std::shared_ptr<const aqui::OriginalComparison> result);
  void compareFailed(const QString& message);

 private:
  QLabel* text_;
  QLabel* status_;
  QPushButton* compare_;
  OriginalComparer* comparer_;
  QString path_;
  std::shared_ptr<const aq::LogicalModel> model_;
  std::shared_ptr<const OriginalComparison> last_;
};

}  // namespace aqui
