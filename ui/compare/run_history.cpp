#include "ui/compare/run_history.h"

#include "ui/util/format.h"

namespace aqui {

QString describeRun(const aq::JobResult& r) {
  return qstr(r.config.plan.scheme.describe()) + ", " + qstr(std::string(aq::mode_name(r.config.mode)));
}

QString shortSchemeLabel(const aq::QuantScheme& s) {
  if (s.is_ggml()) return qstr(s.describe());
  return QString("INT%1 %2").arg(s.bits).arg(s.group_size ? QString("g%1").arg(s.group_size) : QString("ch"));
}

RunRecord RunHistory::add(std::shared_ptr<const aq::JobResult> result) {
  RunRecord rec;
  rec.id = runs_.empty() ? 1 : runs_.back().id + 1;
  rec.label = QString("#%1 %2").arg(rec.id).arg(qstr(result->config.plan.scheme.describe()));
  const auto& s = result->config.plan.scheme;
  rec.shortLabel = QString("#%1 %2").arg(rec.id).arg(shortSchemeLabel(s));
  rec.finished = QDateTime::currentDateTime();
  rec.result = std::move(result);
  runs_.push_back(rec);
  emit added(rec);
  return rec;
}

const RunRecord* RunHistory::find(int id) const {
  for (const auto& r : runs_)
    if (r.id == id) return &r;
  return nullptr;
}

std::vector<RunRecord> RunHistory::select(const std::vector<int>& ids) const {
  std::vector<RunRecord> out;
  for (int id : ids)
    if (const RunRecord* r = find(id)) out.push_back(*r);
  return out;
}

}  // namespace aqui
