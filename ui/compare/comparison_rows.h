#pragma once
// The comparison table's content, shared by the on-screen table and the report.
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/compare/run_history.h"

namespace aqui {

QStringList comparisonHeader();
std::vector<QStringList> comparisonRows(const std::vector<RunRecord>& runs);

}  // namespace aqui
