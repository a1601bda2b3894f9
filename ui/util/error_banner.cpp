#include "ui/util/error_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace aqui {

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent), label_(new QLabel) {
  setObjectName("errorBanner");
  setStyleSheet("#errorBanner { background: #fbe3e3; border: 1px solid #d93f3f; border-radius: 3px; }"
                "#errorBanner QLabel { color: #7a1212; }");
  label_->setWordWrap(true);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* close = new QToolButton;
  close->setText("✕");
  close->setAutoRaise(true);
  close->setToolTip("Dismiss");
  auto* l = new QHBoxLayout(this);
  l->setContentsMargins(8, 4, 4, 4);
  l->addWidget(label_, 1);
  l->addWidget(close, 0, Qt::AlignTop);
  connect(close, &QToolButton::clicked, this, &QWidget::hide);
  hide();
}

void ErrorBanner::showError(const QString& title, const QString& message) {
  label_->setText(QString("<b>%1</b><br>%2").arg(title.toHtmlEscaped(), message.toHtmlEscaped()));
  show();
}

QString ErrorBanner::text() const { return label_->text(); }

}  // namespace aqui
