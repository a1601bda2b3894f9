#pragma once
// Before a run: the outputs it would replace, and the user's consent to replacing them. The CLI
// overwrites regular files as asked; the GUI asks first (a comparison writes several files whose
// names the user never typed).
#include <QStringList>
#include <functional>
#include <vector>

#include "job/job.h"

class QWidget;

namespace aqui {

/// The output files of these runs that already exist.
QStringList existingOutputs(const std::vector<aq::JobConfig>& configs);

/// Asks whether to replace `files`; true to go ahead. Tests replace it with an answer.
using OverwriteConfirmer = std::function<bool(QWidget* parent, const QStringList& files)>;
bool askToOverwrite(QWidget* parent, const QStringList& files);

}  // namespace aqui
