#include "ui/help/manual_window.h"

#include <QAction>
#include <QEvent>
#include <QGuiApplication>
#include <QKeySequence>
#include <QLineEdit>
#include <QScreen>
#include <QScrollBar>
#include <QShortcut>
#include <QStyle>
#include <QTextBlock>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

// The manual is compiled into the static aq_ui library; the linker keeps a resource only when
// something references it, and Q_INIT_RESOURCE must be called outside any namespace.
static void initManualResource() { Q_INIT_RESOURCE(manual); }

namespace aqui {

namespace {

QString mix(const QColor& a, const QColor& b, double t) {
  return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                          float(a.blueF() * (1 - t) + b.blueF() * t))
      .name();
}

}  // namespace

ManualWindow::ManualWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
  initManualResource();
  setObjectName("manualWindow");
  setWindowTitle("ArrowQuant manual");

  browser_ = new QTextBrowser;
  browser_->setObjectName("manualBrowser");
  browser_->setOpenExternalLinks(true);
  browser_->setFrameShape(QFrame::NoFrame);
  // Generous margins: the page reads as a document, not as a form.
  browser_->document()->setDocumentMargin(18);

  auto* bar = new QToolBar;
  bar->setIconSize(QSize(16, 16));
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  QAction* back = bar->addAction(style()->standardIcon(QStyle::SP_ArrowBack), "Back", browser_, &QTextBrowser::backward);
  back->setShortcut(QKeySequence::Back);
  QAction* forward = bar->addAction(style()->standardIcon(QStyle::SP_ArrowForward), "Forward", browser_, &QTextBrowser::forward);
  forward->setShortcut(QKeySequence::Forward);
  bar->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView), "Contents", this, [this] { showSection(); });
  connect(browser_, &QTextBrowser::backwardAvailable, back, &QAction::setEnabled);
  connect(browser_, &QTextBrowser::forwardAvailable, forward, &QAction::setEnabled);
  back->setEnabled(false);
  forward->setEnabled(false);
  auto* spacer = new QWidget;
  spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  bar->addWidget(spacer);
  find_ = new QLineEdit;
  find_->setObjectName("manualFind");
  find_->setPlaceholderText("Find (Ctrl+F)");
  find_->setClearButtonEnabled(true);
  find_->setMaximumWidth(220);
  find_->setToolTip("Find in the manual: Enter for the next match, Shift+Enter for the previous");
  bar->addWidget(find_);
  connect(find_, &QLineEdit::returnPressed, this, [this] {
    find(QGuiApplication::keyboardModifiers() & Qt::ShiftModifier);
  });
  connect(new QShortcut(QKeySequence::Find, this), &QShortcut::activated, this, [this] {
    find_->setFocus();
    find_->selectAll();
  });
  connect(new QShortcut(Qt::Key_Escape, this), &QShortcut::activated, this, &QWidget::close);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(bar);
  layout->addWidget(browser_, 1);

  // About a page wide and most of the screen tall, beside the main window's right edge.
  const QScreen* screen = parent ? parent->screen() : QGuiApplication::primaryScreen();
  const QRect avail = screen ? screen->availableGeometry() : QRect(0, 0, 1280, 800);
  resize(std::min(780, avail.width() * 3 / 5), std::min(920, avail.height() * 9 / 10));
  if (parent) {
    const QRect p = parent->window()->geometry();
    move(std::clamp(p.right() - width() - 24, avail.left(), std::max(avail.left(), avail.right() - width())),
         std::clamp(p.top() + 40, avail.top(), std::max(avail.top(), avail.bottom() - height())));
  }

  applyPalette();
  browser_->setSource(manualUrl());
}

QUrl ManualWindow::manualUrl() { return QUrl("qrc:/help/manual.html"); }

void ManualWindow::showSection(const QString& anchor) {
  if (browser_->source().path() != manualUrl().path()) browser_->setSource(manualUrl());
  if (anchor.isEmpty()) browser_->verticalScrollBar()->setValue(0);
  else browser_->scrollToAnchor(anchor);
  show();
  raise();
  activateWindow();
}

QStringList ManualWindow::anchors() const {
  QStringList names;
  for (QTextBlock b = browser_->document()->begin(); b.isValid(); b = b.next())
    for (auto it = b.begin(); !it.atEnd(); ++it) names << it.fragment().charFormat().anchorNames();
  return names;
}

void ManualWindow::changeEvent(QEvent* e) {
  QWidget::changeEvent(e);
  if (e->type() == QEvent::PaletteChange) applyPalette();
}

void ManualWindow::applyPalette() {
  // Rich text does not follow the palette for code blocks, table headers and borders: the
  // page's style sheet is made from the palette and the page is parsed again with it.
  const QPalette& p = palette();
  const QColor base = p.color(QPalette::Base), text = p.color(QPalette::Text);
  const QString css = QString(
                          "a { color: %1; text-decoration: none; }"
                          "code { background-color: %2; }"
                          "pre { background-color: %2; }"
                          "th { background-color: %3; text-align: left; }"
                          "table { border-color: %4; border-style: solid; border-collapse: collapse; }"
                          "h1 { font-size: x-large; } h2 { font-size: large; margin-top: 18px; }"
                          "h3 { font-size: medium; margin-top: 12px; }")
                          .arg(p.color(QPalette::Link).name(), mix(base, text, 0.08), mix(base, text, 0.14),
                               mix(base, text, 0.35));
  if (browser_->document()->defaultStyleSheet() == css) return;
  browser_->document()->setDefaultStyleSheet(css);
  if (browser_->source().isValid()) {
    const int y = browser_->verticalScrollBar()->value();
    browser_->reload();
    browser_->verticalScrollBar()->setValue(y);
  }
}

void ManualWindow::find(bool backward) {
  const QString text = find_->text();
  if (text.isEmpty()) return;
  const QTextDocument::FindFlags flags = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
  if (browser_->find(text, flags)) return;
  // Wrap around once.
  QTextCursor c = browser_->textCursor();
  c.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
  browser_->setTextCursor(c);
  browser_->find(text, flags);
}

}  // namespace aqui
