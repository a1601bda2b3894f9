#pragma once
// The open model at a glance: family, tensors, parameters, size, dtypes, format, path.
#include <QWidget>

namespace aq {
class ModelSource;
struct Plan;
}  // namespace aq

class QLabel;

namespace aqui {

class ModelSummaryView : public QWidget {
  Q_OBJECT
 public:
  explicit ModelSummaryView(QWidget* parent = nullptr);
  void clear();
  void showLoading(const QString& what);
  void showError(const QString& message);
  void setModel(const aq::ModelSource& source, const aq::Plan& plan);
  QString text() const;

 private:
  QLabel* label_;
};

/// "F16 ×150, F32 ×6": tensor counts by dtype, most common first.
QString dtypeCounts(const aq::ModelSource& source);

}  // namespace aqui
