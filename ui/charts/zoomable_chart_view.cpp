#include "ui/charts/zoomable_chart_view.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

namespace aqui {

ZoomableChartView::ZoomableChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent) {
  setRenderHint(QPainter::Antialiasing);
  setRubberBand(QChartView::RectangleRubberBand);
  setFocusPolicy(Qt::ClickFocus);
  setMouseTracking(true);  // hover tooltips without a button pressed
}

void ZoomableChartView::mouseReleaseEvent(QMouseEvent* e) {
  // The base class zooms into the rubber band (left button) or out one step (right button).
  QChartView::mouseReleaseEvent(e);
  if (chart()->isZoomed()) emit userZoomed();
}

void ZoomableChartView::mouseDoubleClickEvent(QMouseEvent* e) {
  emit resetRequested();
  e->accept();
}

void ZoomableChartView::wheelEvent(QWheelEvent* e) {
  const qreal steps = e->angleDelta().y() / 120.0;
  if (steps == 0) return;
  chart()->zoom(steps > 0 ? 1.25 : 0.8);
  emit userZoomed();
  e->accept();
}

void ZoomableChartView::keyPressEvent(QKeyEvent* e) {
  switch (e->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: chart()->zoomIn(); emit userZoomed(); break;
    case Qt::Key_Minus: chart()->zoomOut(); emit userZoomed(); break;
    case Qt::Key_0: emit resetRequested(); break;
    case Qt::Key_Left: chart()->scroll(-20, 0); emit userZoomed(); break;
    case Qt::Key_Right: chart()->scroll(20, 0); emit userZoomed(); break;
    case Qt::Key_Up: chart()->scroll(0, 20); emit userZoomed(); break;
    case Qt::Key_Down: chart()->scroll(0, -20); emit userZoomed(); break;
    default: QChartView::keyPressEvent(e); return;
  }
  e->accept();
}

}  // namespace aqui
