#include "ui/job/log_view.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTime>

namespace aqui {

LogView::LogView(QWidget* parent) : QPlainTextEdit(parent) {
  setObjectName("log");
  setReadOnly(true);
  setMaximumBlockCount(20000);  // a long session must not grow without bound
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  setLineWrapMode(QPlainTextEdit::NoWrap);
}

void LogView::log(aq::LogLevel level, const QString& text) { logMany({{level, text}}); }

void LogView::logMany(const std::vector<std::pair<aq::LogLevel, QString>>& lines) {
  if (lines.empty()) return;
  const QString now = QTime::currentTime().toString("HH:mm:ss.zzz");
  QTextCharFormat plain;
  QTextCharFormat warn;
  warn.setForeground(QColor(0xd0, 0x8a, 0x1a));
  QTextCharFormat err;
  err.setForeground(QColor(0xd9, 0x3f, 0x3f));
  const bool atEnd = !verticalScrollBar()->isVisible() || verticalScrollBar()->value() == verticalScrollBar()->maximum();
  QTextCursor c(document());
  c.movePosition(QTextCursor::End);
  c.beginEditBlock();
  // Lines of one level go in as one text (its newlines make the blocks): inserting a plan's
  // hundreds of lines one by one took a millisecond of the GUI thread per run.
  QString run;
  const QTextCharFormat* runFormat = nullptr;
  const auto flush = [&] {
    if (run.isEmpty()) return;
    if (!document()->isEmpty()) c.insertBlock();
    c.insertText(run, *runFormat);
    run.clear();
  };
  for (const auto& [level, text] : lines) {
    const char* tag = "info ";
    const QTextCharFormat* fmt = &plain;
    if (level == aq::LogLevel::Warning) {
      tag = "warn ";
      fmt = &warn;
      ++warnings_;
    } else if (level == aq::LogLevel::Error) {
      tag = "error";
      fmt = &err;
      ++errors_;
    }
    if (fmt != runFormat) flush();
    runFormat = fmt;
    if (!run.isEmpty()) run += QLatin1Char('\n');
    run += QString("%1  %2  %3").arg(now, QLatin1String(tag), text);
  }
  flush();
  c.endEditBlock();
  if (atEnd) verticalScrollBar()->setValue(verticalScrollBar()->maximum());  // follow the tail
}

}  // namespace aqui
