#pragma once
// The runs of this session, in the order they finished. Any of them can be compared or exported.
#include <QDateTime>
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "job/job.h"

namespace aqui {

struct RunRecord {
  int id = 0;          // 1, 2, ... in this session
  QString label;       // "#3 INT4 g64 asym search"
  QString shortLabel;  // "#3 INT4 g64", for chart legends
  QDateTime finished;
  std::shared_ptr<const aq::JobResult> result;
};

class RunHistory : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  RunRecord add(std::shared_ptr<const aq::JobResult> result);
  const std::vector<RunRecord>& runs() const { return runs_; }
  const RunRecord* find(int id) const;
  std::vector<RunRecord> select(const std::vector<int>& ids) const;
  const RunRecord* last() const { return runs_.empty() ? nullptr : &runs_.back(); }

 signals:
  void added(const aqui::RunRecord& run);

 private:
  std::vector<RunRecord> runs_;
};

/// "INT4 g64" / "q4_k": a scheme in a chart legend.
QString shortSchemeLabel(const aq::QuantScheme& s);

/// "INT4 g64 asym search, streaming" for a run's settings.
QString describeRun(const aq::JobResult& result);

}  // namespace aqui
