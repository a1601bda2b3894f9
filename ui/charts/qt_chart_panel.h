#pragma once
// The Qt Charts implementation shared by every chart: a QChart in a zoomable view, a row for
// chart-specific controls, legend toggling, hover tooltips, light/dark themes and offscreen
// rendering for exports.
#include <QtCharts/QChart>
#include <utility>
#include <vector>

#include "ui/charts/chart_panel.h"

class QHBoxLayout;
class QPainter;
class QToolButton;
class QAbstractAxis;
class QValueAxis;
class QLogValueAxis;
class QAbstractSeries;

namespace aqui {

class ZoomableChartView;

class QtChartPanel : public ChartPanel {
  Q_OBJECT
 public:
  QtChartPanel(const QString& key, const QString& title, QWidget* parent = nullptr);

  QString title() const override { return title_; }
  QString key() const override { return key_; }
  bool isEmpty() const override { return pointCount() == 0; }
  QImage renderImage(QSize size = kExportSize, qreal scale = 2.0) override;
  QByteArray renderSvg(QSize size = kExportSize) override;
  void setDarkTheme(bool dark) override;
  void resetZoom() override;

  QChart* chart() const { return chart_; }
  bool darkTheme() const override { return dark_; }
  /// The title as set, before it is shortened to fit the chart's width.
  QString fullTitle() const { return fullTitle_; }
  /// The "Maximise" button of the controls row (tests click it).
  QToolButton* maximiseButton() const { return maximise_; }

  /// While one is alive, the panel's axis ranges are only noted, and each axis is laid out once,
  /// at its last range, when the last one ends: Qt Charts lays an axis' labels out again on
  /// every change, and a run's first events empty the charts and fill them at once.
  class AxisDeferral {
   public:
    explicit AxisDeferral(QtChartPanel& panel);
    ~AxisDeferral();
    AxisDeferral(const AxisDeferral&) = delete;
    AxisDeferral& operator=(const AxisDeferral&) = delete;

   private:
    QtChartPanel& panel_;
  };

 protected:
  QHBoxLayout* controls() const { return controls_; }
  bool dark() const { return dark_; }
  /// Fit the axes to the data; called after data changes unless the user has zoomed in.
  virtual void rescale() = 0;
  /// Re-apply custom pens and brushes: a theme change resets every series' colours.
  virtual void restyle() {}
  /// Call after data changes: refits the axes unless the user is looking at a zoomed region.
  void dataChanged();
  /// Legend markers toggle their series on click; call after adding or replacing series.
  /// Series with the property "aqNoLegend" set get no legend entry.
  void hookLegend();
  void showTip(const QString& html);
  void hideTip();
  /// Adds `series` to the chart and attaches it to both axes.
  void attach(QAbstractSeries* series, QAbstractAxis* x, QAbstractAxis* y);
  /// Sets a value axis to [lo, hi] with a margin, then rounds it out to nice ticks (1, 2, 5 x
  /// 10^n) as many as the axis' length in pixels has room for. `nonNegative`: sizes, counts,
  /// speeds, tensor numbers; the axis never shows a value below zero.
  /// `atMost`: a bound the range never exceeds (a cosine similarity: 1).
  void fitAxis(QValueAxis* axis, double lo, double hi, bool fromZero, bool nonNegative = false,
               double atMost = 1e300);
  /// Keeps `axis`'s ticks nice and its labels exact whatever sets its range (fits, zoom, pan).
  /// Every QValueAxis of a chart goes through here once.
  /// `integer`: whole numbers only (tensor numbers), ticks at least 1 apart.
  void manageAxis(QValueAxis* axis, bool nonNegative, bool integer = false);
  /// A size-against-error pair of axes, added to the chart: a managed non-negative value axis at
  /// the bottom, a base-10 log axis with minor ticks at the left (errors span decades).
  std::pair<QValueAxis*, QLogValueAxis*> addSizeErrorAxes();
  /// Sets exactly [lo, hi] (a placeholder range), with nice ticks.
  void setAxisRange(QValueAxis* axis, double lo, double hi);
  /// Changes the flags of a managed axis (a chart whose axis changes meaning with its view).
  void setAxisKind(QValueAxis* axis, bool nonNegative, bool integer);
  /// Sets the chart's title; it is shortened (not elided mid-word) when the chart is narrow.
  void setChartTitle(const QString& title);
  /// An axis title with a brief form for when the full one does not fit along the plot.
  void setAxisTitle(QAbstractAxis* axis, const QString& full, const QString& brief);
  void resizeEvent(QResizeEvent* e) override;
  void showEvent(QShowEvent* e) override;
  /// A chart whose points carry their own labels has no legend.
  void setLegendShown(bool shown);

 private:
  void paint(QPainter& painter, QSize size);
  void applyTheme(bool dark);
  void retick(QValueAxis* axis);
  int intervalsFor(const QValueAxis* axis, double lo, double hi) const;
  void fitTitle();
  void fitAxisTitles();
  void fitLegend();
  void fitLegend(QSize size);  // legend, margins and axis titles for a chart of `size`
  void plotAreaChanged();

  QString key_;
  QString title_;
  QChart* chart_;
  ZoomableChartView* view_;
  QHBoxLayout* controls_;
  QToolButton* maximise_;
  QString fullTitle_;
  struct ManagedAxis {
    QValueAxis* axis;
    bool nonNegative;
    bool integer;
  };
  const ManagedAxis* managed(const QValueAxis* axis) const;
  void retickNow(QValueAxis* axis, const ManagedAxis* m, double lo, double hi);
  /// Ticks (and the range) for [lo, hi], setting only what changed.
  void applyTicks(QValueAxis* axis, const ManagedAxis* m, double lo, double hi);
  bool reticking_ = false;
  std::vector<ManagedAxis> axes_;
  bool dark_ = false;
  bool zoomed_ = false;
  QSizeF fittedFor_;      // the plot area the ticks were last counted for
  bool fitting_ = false;
  bool legendShown_ = true;  // re-entrancy guard: a fit changes the plot area, which asks for a fit
  int deferrals_ = 0;
  std::vector<std::pair<QValueAxis*, std::pair<double, double>>> pendingRanges_;
};

}  // namespace aqui
