#include "ui/charts/bucket_heat_map.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QMouseEvent>
#include <QPainter>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>

#include "ui/charts/bucket_heat_map_painter.h"
#include "ui/charts/chart_help.h"
#include "ui/charts/chart_rendering.h"
#include "ui/charts/chart_maximiser.h"
#include "ui/charts/chart_save_button.h"
#include "ui/util/format.h"

namespace aqui {

namespace {
const char* kPlaceholder = "Needs a calibration file (Settings ▸ Calibration): the output SQNR of each layer "
                           "per timestep bucket appears here during a calibrated run.";
}

// The drawing surface under the controls row; remembers where the cells went for hovering.
class HeatMapCanvas : public QWidget {
 public:
  explicit HeatMapCanvas(BucketHeatMap* owner) : owner_(owner) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    geometry_ = paintBucketHeatMap(p, rect(), owner_->data_, owner_->labelEdges(), owner_->title_, kPlaceholder,
                                   owner_->dark_ ? HeatMapLook::dark() : HeatMapLook::light(), font());
  }
  void mouseMoveEvent(QMouseEvent* e) override {
    int layer = 0, bucket = 0;
    if (geometry_.cellAt(e->position(), layer, bucket))
      QToolTip::showText(e->globalPosition().toPoint(), owner_->cellText(layer, bucket), this);
    else
      QToolTip::hideText();
  }
  void leaveEvent(QEvent*) override { QToolTip::hideText(); }
  void mouseDoubleClickEvent(QMouseEvent*) override { toggleMaximised(owner_); }

 private:
  BucketHeatMap* owner_;
  HeatMapGeometry geometry_;
};

BucketHeatMap::BucketHeatMap(QWidget* parent) : ChartPanel(parent), canvas_(new HeatMapCanvas(this)) {
  setObjectName("timestepHeatMap");
  setWhatsThis(chartWhatsThis(key()));  // Help ▸ What's This?: what it plots, how to read it
  canvas_->setToolTip(QString());  // the cells give their own tooltips
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 0, 4, 0);
  controls->addStretch(1);
  controls->addWidget(makeChartSaveButton(this));
  controls->addWidget(makeMaximiseButton(this));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addLayout(controls);
  layout->addWidget(canvas_, 1);
  setMinimumSize(200, 160);
  dark_ = palette().color(QPalette::Window).lightness() < 128;
}

void BucketHeatMap::clear() {
  data_.clear();
  canvas_->update();
}

void BucketHeatMap::addResults(const std::vector<aq::TensorResult>& results) {
  if (data_.add(results)) canvas_->update();
}

void BucketHeatMap::setBucketEdges(std::vector<int64_t> edges) {
  edges_ = std::move(edges);
  canvas_->update();
}

std::vector<int64_t> BucketHeatMap::labelEdges() const {
  // Edges of another file (or a stale read) must not label these buckets.
  return int(edges_.size()) == data_.bucketCount() + 1 ? edges_ : std::vector<int64_t>{};
}

QString BucketHeatMap::cellText(int layer, int bucket) const {
  if (layer < 0 || layer >= data_.layerCount() || bucket < 0 || bucket >= data_.bucketCount()) return {};
  const HeatMapLayer& l = data_.layer(layer);
  const double db = data_.db(layer, bucket);
  const QString value = std::isnan(db) ? QString("no inputs recorded in this bucket") : "output SQNR " + formatDb(db);
  const std::vector<int64_t> edges = labelEdges();
  const QString where = edges.empty() ? QString("bucket %1").arg(bucket)
                                      : QString("%1 (bucket %2)").arg(formatBucket(edges, bucket)).arg(bucket);
  return QString("<b>%1</b><br>tensor #%2 · %3<br>%4").arg(l.name.toHtmlEscaped()).arg(l.index).arg(where, value);
}

QImage BucketHeatMap::renderImage(QSize size, qreal scale) {
  // Exports use the export theme (light for documents by default) and the application's font.
  const HeatMapLook look = exportDark() ? HeatMapLook::dark() : HeatMapLook::light();
  return renderChartImage(size, scale, exportBackground(exportDark()), [&](QPainter& p) {
    paintBucketHeatMap(p, QRectF(QPointF(0, 0), size), data_, labelEdges(), title_, kPlaceholder, look, QFont());
  });
}

QByteArray BucketHeatMap::renderSvg(QSize size) {
  const HeatMapLook look = exportDark() ? HeatMapLook::dark() : HeatMapLook::light();
  return renderChartSvg(size, title_, [&](QPainter& p) {
    paintBucketHeatMap(p, QRectF(QPointF(0, 0), size), data_, labelEdges(), title_, kPlaceholder, look, QFont());
  });
}

void BucketHeatMap::setDarkTheme(bool dark) {
  dark_ = dark;
  canvas_->update();
}

void BucketHeatMap::changeEvent(QEvent* e) {
  ChartPanel::changeEvent(e);
  // Follows the application palette too, so it is right even when nobody calls setDarkTheme().
  if (e->type() == QEvent::PaletteChange) setDarkTheme(palette().color(QPalette::Window).lightness() < 128);
}

}  // namespace aqui
