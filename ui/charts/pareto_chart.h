#pragma once
// The size budget's trade-off (plan/budget.h): total output size (bits per weight of the whole
// model) against the summed error of the tensors the budget chose for. The frontier is what each
// size could buy, the allocation's path (drawn under it, wide) the choices it went through, and
// the chosen point sits at or left of the budget line. Everything drawn comes from aq::BudgetSummary.
#include <QPointF>
#include <optional>

#include "plan/budget.h"
#include "ui/charts/qt_chart_panel.h"

class QLineSeries;
class QLogValueAxis;
class QScatterSeries;
class QXYSeries;
class QValueAxis;

namespace aqui {

class ParetoChart : public QtChartPanel {
  Q_OBJECT
 public:
  explicit ParetoChart(QWidget* parent = nullptr);

  void clear() override;
  int pointCount() const override;
  void setBudget(const aq::BudgetSummary& budget);
  const std::optional<aq::BudgetSummary>& budget() const { return budget_; }

  int frontierCount() const;
  int pathCount() const;
  /// The chosen point as drawn: (bits per weight, summed error); none before a budget run.
  std::optional<QPointF> chosenPoint() const;
  /// The budget line's bits per weight; none before a budget run.
  std::optional<double> targetBpw() const;

 protected:
  void rescale() override;
  void restyle() override;

 private:
  QPointF toChart(const aq::BudgetPoint& p) const;
  void hoverTip(QXYSeries* s, const QString& what);

  std::optional<aq::BudgetSummary> budget_;
  QLineSeries* frontier_;
  QLineSeries* path_;
  QScatterSeries* chosen_;
  QLineSeries* target_;
  QValueAxis* x_;
  QLogValueAxis* y_;
};

}  // namespace aqui
