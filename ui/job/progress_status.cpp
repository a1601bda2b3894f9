#include "ui/job/progress_status.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include "ui/util/format.h"

namespace aqui {

ProgressStatus::ProgressStatus(QWidget* parent) : QWidget(parent) {
  what_ = new QLabel;
  bar_ = new QProgressBar;
  bar_->setObjectName("progress");
  bar_->setRange(0, 1000);
  bar_->setFixedWidth(220);
  bar_->setTextVisible(true);
  bar_->setFormat("%p%");
  layer_ = new QLabel;
  speed_ = new QLabel;
  eta_ = new QLabel;
  layer_->setObjectName("progressLayer");
  speed_->setObjectName("progressSpeed");
  eta_->setObjectName("progressEta");
  // Fixed widths: the status bar must not jiggle as the numbers change 20 times a second.
  layer_->setMinimumWidth(fontMetrics().horizontalAdvance("layer 0000/0000"));
  speed_->setMinimumWidth(fontMetrics().horizontalAdvance("00000.0 MB/s"));
  eta_->setMinimumWidth(fontMetrics().horizontalAdvance("ETA 00 min 00 s"));
  auto* l = new QHBoxLayout(this);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(what_);
  l->addWidget(bar_);
  l->addWidget(layer_);
  l->addWidget(speed_);
  l->addWidget(eta_);
  finish({});
}

namespace {

// QProgressBar::setValue() repaints at once, synchronously, when its text changes (and showing
// the bar lays out and repaints the status bar). With updates held off meanwhile, the changes are
// painted later in the window's one repaint pass, and take no time from the job now.
class DeferredPaint {
 public:
  explicit DeferredPaint(QWidget* w) : w_(w) { w_->setUpdatesEnabled(false); }
  ~DeferredPaint() { w_->setUpdatesEnabled(true); }  // schedules the repaint
  DeferredPaint(const DeferredPaint&) = delete;
  DeferredPaint& operator=(const DeferredPaint&) = delete;

 private:
  QWidget* w_;
};

}  // namespace

void ProgressStatus::start(const QString& what) {
  const DeferredPaint later(this);
  what_->setText(what);
  bar_->setValue(0);
  bar_->setVisible(true);
  layer_->setText("layer 0/…");
  speed_->clear();
  eta_->clear();
}

void ProgressStatus::update(const aq::Progress& p) {
  const DeferredPaint later(this);
  bar_->setValue(int(p.fraction() * 1000.0));
  layer_->setText(QString("layer %1/%2").arg(p.tensors_done).arg(p.tensors_total));
  speed_->setText(QString("%1 MB/s").arg(p.mb_per_s, 0, 'f', 1));
  eta_->setText("ETA " + formatSeconds(p.eta_s));
  bar_->setToolTip(qstr(p.current));
}

void ProgressStatus::finish(const QString& outcome) {
  what_->setText(outcome);
  bar_->setVisible(false);
  layer_->clear();
  speed_->clear();
  eta_->clear();
}

QString ProgressStatus::layerText() const { return layer_->text(); }
QString ProgressStatus::speedText() const { return speed_->text(); }
QString ProgressStatus::etaText() const { return eta_->text(); }
int ProgressStatus::percent() const { return bar_->value() / 10; }

}  // namespace aqui
