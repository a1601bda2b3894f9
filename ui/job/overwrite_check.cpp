#include "ui/job/overwrite_check.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

namespace aqui {

QStringList existingOutputs(const std::vector<aq::JobConfig>& configs) {
  QStringList out;
  for (const auto& c : configs) {
    if (c.output.empty()) continue;
    const QString path = QString::fromStdString(c.output.string());
    if (QFileInfo::exists(path) && !out.contains(path)) out << path;
  }
  return out;
}

bool askToOverwrite(QWidget* parent, const QStringList& files) {
  if (files.isEmpty()) return true;
  QStringList names;
  for (const auto& f : files) names << QFileInfo(f).fileName();
  QMessageBox box(QMessageBox::Warning, "Replace existing files?",
                  files.size() == 1 ? QString("%1 already exists.").arg(names.front())
                                    : QString("%1 output files already exist.").arg(files.size()),
                  QMessageBox::NoButton, parent);
  box.setInformativeText(files.size() == 1 ? "Replace it with the new result? The old file is lost."
                                            : "Replace them with the new results? The old files are lost.");
  box.setDetailedText(files.join('\n'));
  auto* replace = box.addButton("Replace", QMessageBox::DestructiveRole);
  box.addButton(QMessageBox::Cancel);
  box.setDefaultButton(QMessageBox::Cancel);
  box.exec();
  return box.clickedButton() == replace;
}

}  // namespace aqui
