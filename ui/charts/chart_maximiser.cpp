#include "ui/charts/chart_maximiser.h"

#include <QBoxLayout>
#include <QEvent>
#include <QMainWindow>
#include <QMenuBar>
#include <QPointer>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace aqui {
namespace {

// The overlay holding a maximised chart; remembers where the chart came from.
class MaximisedChart : public QWidget {
 public:
  MaximisedChart(QWidget* chart, QWidget* host) : QWidget(host), chart_(chart), from_(chart->parentWidget()) {
    setObjectName("maximisedChart");
    setAutoFillBackground(true);
    if (auto* split = qobject_cast<QSplitter*>(from_.data())) {
      index_ = split->indexOf(chart);
      sizes_ = split->sizes();
    } else if (auto* box = from_ ? qobject_cast<QBoxLayout*>(from_->layout()) : nullptr) {
      index_ = box->indexOf(chart);
      stretch_ = index_ >= 0 ? box->stretch(index_) : 0;
    }
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(chart);
    chart->show();
    auto* esc = new QShortcut(Qt::Key_Escape, this);
    esc->setContext(Qt::WidgetWithChildrenShortcut);
    connect(esc, &QShortcut::activated, this, [this] { toggleMaximised(chart_); });
    host->installEventFilter(this);
    follow();
    show();
    raise();
  }

  // Puts the chart back in its splitter slot or layout position, then goes away.
  void restore() {
    if (chart_ && from_) {
      if (auto* split = qobject_cast<QSplitter*>(from_.data())) {
        split->insertWidget(index_, chart_);
        split->setSizes(sizes_);
      } else if (auto* box = qobject_cast<QBoxLayout*>(from_->layout())) {
        box->insertWidget(index_, chart_, stretch_);
      } else {
        chart_->setParent(from_);
      }
      chart_->show();
    }
    deleteLater();
    hide();
  }

 protected:
  bool eventFilter(QObject* o, QEvent* e) override {
    if (o == parentWidget() && (e->type() == QEvent::Resize || e->type() == QEvent::LayoutRequest)) follow();
    return QWidget::eventFilter(o, e);
  }

 private:
  // Covers the host's working area: a main window keeps its menu bar and status bar.
  void follow() {
    QWidget* host = parentWidget();
    QRect r = host->rect();
    if (auto* mw = qobject_cast<QMainWindow*>(host)) {
      if (QWidget* menu = mw->menuWidget(); menu && menu->isVisible()) r.setTop(menu->geometry().bottom() + 1);
      if (auto* status = mw->findChild<QStatusBar*>(QString(), Qt::FindDirectChildrenOnly); status && status->isVisible())
        r.setBottom(status->geometry().top() - 1);
    }
    setGeometry(r);
  }

  QPointer<QWidget> chart_;
  QPointer<QWidget> from_;
  int index_ = -1;
  int stretch_ = 0;
  QList<int> sizes_;
};

MaximisedChart* overlayOf(const QWidget* chart) {
  return chart ? dynamic_cast<MaximisedChart*>(chart->parentWidget()) : nullptr;
}

void updateButton(QWidget* chart) {
  const bool on = isMaximised(chart);
  for (auto* b : chart->findChildren<QToolButton*>("maximiseChart")) {
    b->setText(on ? "Restore" : "Maximise");
    b->setToolTip(on ? "Put the chart back (Esc or double-click)" : "Show this chart over the whole window (double-click)");
  }
}

}  // namespace

bool isMaximised(const QWidget* chart) { return overlayOf(chart) != nullptr; }

void toggleMaximised(QWidget* chart) {
  if (!chart) return;
  if (MaximisedChart* o = overlayOf(chart)) {
    o->restore();
  } else {
    QWidget* host = chart->window();
    if (host == chart || !chart->parentWidget()) return;
    new MaximisedChart(chart, host);
  }
  updateButton(chart);
}

QToolButton* makeMaximiseButton(QWidget* chart) {
  auto* b = new QToolButton;
  b->setObjectName("maximiseChart");
  b->setAutoRaise(true);
  b->setText("Maximise");
  b->setToolTip("Show this chart over the whole window (double-click)");
  QObject::connect(b, &QToolButton::clicked, chart, [chart] { toggleMaximised(chart); });
  return b;
}

}  // namespace aqui
