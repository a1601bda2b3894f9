#include "ui/job/after_run_actions.h"

#include <QAction>
#include <QClipboard>
#include <QDesktopServices>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QUrl>

#include "job/command_line.h"
#include "job/compare.h"
#include "util/shell_quote.h"
#include "ui/util/format.h"
#include "ui/util/post.h"

namespace aqui {

AfterRunActions::AfterRunActions(QObject* parent)
    : QObject(parent),
      openFolder_(new QAction("Open Output &Folder", this)),
      verify_(new QAction("&Verify Output", this)),
      openResult_(new QAction("Open Output as &Model", this)),
      copyCommand_(new QAction("Copy &Command Line", this)),
      openFolderWith_([](const QString& folder) { QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); }) {
  openFolder_->setToolTip("Show the folder of the file the last run wrote");
  verify_->setToolTip("Read the written file back, measure it against the source model, and check every "
                      "tensor against what the run reported");
  openResult_->setToolTip("Open the written file as a model (read-only): its tensors, and a comparison with the original");
  copyCommand_->setToolTip("Copy the arrowquant-cli command that does this run, to script it");
  connect(openFolder_, &QAction::triggered, this, [this] {
    if (const QString out = outputPath(); !out.isEmpty()) openFolderWith_(QFileInfo(out).absolutePath());
  });
  connect(openResult_, &QAction::triggered, this, [this] {
    if (const QString out = outputPath(); !out.isEmpty()) emit openResultRequested(out);
  });
  connect(copyCommand_, &QAction::triggered, this, [this] {
    if (!run_) return;
    const QString command = qstr(aq::shell_join(aq::quantize_command(run_->result->config)));
    QGuiApplication::clipboard()->setText(command);
    emit commandCopied(command);
  });
  connect(verify_, &QAction::triggered, this, &AfterRunActions::startVerify);
  refresh();
}

QString AfterRunActions::outputPath() const {
  if (!run_ || run_->result->config.output.empty()) return {};
  const QString out = qstr(run_->result->config.output.string());
  return QFileInfo(out).isFile() ? out : QString();
}

void AfterRunActions::setRun(std::optional<RunRecord> run) {
  run_ = std::move(run);
  if (verdict_) verdict_->clear();
  refresh();
}

void AfterRunActions::refresh() {
  const bool written = !outputPath().isEmpty();
  openFolder_->setEnabled(written);
  openResult_->setEnabled(written);
  verify_->setEnabled(written && !verifying_);
  copyCommand_->setEnabled(run_.has_value());
  if (bar_) bar_->setVisible(run_.has_value());
}

QWidget* AfterRunActions::bar() {
  if (bar_) return bar_;
  bar_ = new QWidget;
  bar_->setObjectName("afterRunBar");
  auto* l = new QHBoxLayout(bar_);
  l->setContentsMargins(0, 0, 0, 0);
  l->addWidget(new QLabel("After the run:"));
  for (QAction* a : {openFolder_, verify_, openResult_, copyCommand_}) {
    auto* b = new QToolButton;
    b->setDefaultAction(a);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    l->addWidget(b);
  }
  verdict_ = new QLabel;
  verdict_->setObjectName("verifyVerdict");
  verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  l->addWidget(verdict_, 1);
  refresh();
  return bar_;
}

QString AfterRunActions::verdict() const { return verdict_ ? verdict_->text() : QString(); }

void AfterRunActions::startVerify() {
  const QString out = outputPath();
  if (!run_ || out.isEmpty() || verifying_) return;
  verifying_ = true;
  refresh();
  if (verdict_) verdict_->setText("verifying " + QFileInfo(out).fileName() + " …");
  struct Outcome {
    std::optional<aq::RunVerification> verification;
    QString error;
  };
  const auto result = run_->result;
  runInPool(
      this,
      [result, out] {
        auto back = aq::compare_models(result->config.input, sstr(out), result->config.open);
        if (!back) return Outcome{std::nullopt, qstr(back.error().message())};
        return Outcome{aq::verify_run(*result, *back), {}};
      },
      [this, out](Outcome o) {
        verifying_ = false;
        refresh();
        if (!o.verification) {
          if (verdict_) verdict_->setText("<span style='color:#c0392b'>verification failed: " + o.error.toHtmlEscaped() + "</span>");
          emit verifyFailed(o.error);
          return;
        }
        const QString text = qstr(o.verification->summary(sstr(QFileInfo(out).fileName())));
        if (verdict_)
          verdict_->setText(o.verification->ok() ? "✓ " + text.toHtmlEscaped()
                                                 : "<span style='color:#c0392b'>✗ " + text.toHtmlEscaped() + "</span>");
        emit verified(*o.verification, out);
      });
}

}  // namespace aqui
