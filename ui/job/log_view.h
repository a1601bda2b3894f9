#pragma once
// What happened, in order: files opened, plan decisions, job messages, warnings, errors, exports.
#include <QPlainTextEdit>
#include <utility>
#include <vector>

#include "job/job.h"

namespace aqui {

class LogView : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit LogView(QWidget* parent = nullptr);

  void info(const QString& text) { log(aq::LogLevel::Info, text); }
  void warning(const QString& text) { log(aq::LogLevel::Warning, text); }
  void error(const QString& text) { log(aq::LogLevel::Error, text); }
  void log(aq::LogLevel level, const QString& text);
  /// Many lines in one edit: a plan's 150 rule decisions arrive together, and one layout pass
  /// for all of them keeps the GUI thread free (one appendHtml each took ~50 ms in total).
  void logMany(const std::vector<std::pair<aq::LogLevel, QString>>& lines);
  int warnings() const { return warnings_; }
  int errors() const { return errors_; }

 private:
  int warnings_ = 0;
  int errors_ = 0;
};

}  // namespace aqui
