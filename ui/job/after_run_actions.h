#pragma once
// What comes after a run: open the output's folder, verify the written file (read it back and
// measure it against the source: core/job/verify_run), open the result as a model, and copy the
// arrowquant-cli command that does the same run (core/job/command_line). The actions live in the
// Run menu and in a bar over the layer table that appears once a run has finished.
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

#include "job/verify_run.h"
#include "ui/compare/run_history.h"

class QAction;
class QLabel;
class QWidget;

namespace aqui {

class AfterRunActions : public QObject {
  Q_OBJECT
 public:
  explicit AfterRunActions(QObject* parent = nullptr);

  /// The run the actions act on (the last one); nothing: all disabled.
  void setRun(std::optional<RunRecord> run);
  /// A row of buttons for the actions and the verification's verdict; hidden until a run.
  QWidget* bar();

  QAction* openFolderAction() const { return openFolder_; }
  QAction* verifyAction() const { return verify_; }
  QAction* openResultAction() const { return openResult_; }
  QAction* copyCommandAction() const { return copyCommand_; }
  QString verdict() const;

  /// Who opens a folder in the desktop's file manager (QDesktopServices; tests record the call).
  using FolderOpener = std::function<void(const QString& folder)>;
  void setFolderOpener(FolderOpener opener) { openFolderWith_ = std::move(opener); }

 signals:
  void openResultRequested(const QString& path);
  void commandCopied(const QString& command);
  void verified(const aq::RunVerification& verification, const QString& file);
  void verifyFailed(const QString& message);

 private:
  void refresh();
  void startVerify();
  QString outputPath() const;  // the run's written file, when it still exists

  std::optional<RunRecord> run_;
  QAction* openFolder_;
  QAction* verify_;
  QAction* openResult_;
  QAction* copyCommand_;
  QWidget* bar_ = nullptr;
  QLabel* verdict_ = nullptr;
  bool verifying_ = false;
  FolderOpener openFolderWith_;
};

}  // namespace aqui
