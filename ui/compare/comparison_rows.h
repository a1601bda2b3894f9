#pragma once
// The comparison table's content, shared by the on-screen table and the report.
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/compare/run_history.h"

namespace aqui {

QStringList comparisonHeader();
/// The file name of the model a run quantized ("demo.safetensors").
QString runModelName(const aq::JobResult& r);
/// Empty when every run is of the same model file; else a warning naming the models.
QString mixedModelsWarning(const std::vector<RunRecord>& runs);
std::vector<QStringList> comparisonRows(const std::vector<RunRecord>& runs);

}  // namespace aqui
