#include "ui/model/layer_table_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>
#include <cmath>

#include "io/logical_model.h"
#include "io/model_source.h"
#include "ui/util/format.h"

namespace aqui {

QString planText(const aq::TensorPlan& p) {
  // A per-layer rule's choice says so; which rule, in the tooltip.
  const QString byRule = p.user_rule ? QString(" · user rule") : QString();
  if (p.quantized() && p.scheme.is_ggml()) return qstr(p.scheme.describe()) + byRule;  // "q4_k"; why, in the tooltip
  if (p.quantized()) {
    const auto& s = p.scheme;
    QString text = QString("INT%1 ").arg(s.bits) +
                   (s.group_size ? QString("g%1").arg(s.group_size) : QString("channel"));
    if (s.symmetric) text += " sym";
    return text + byRule;
  }
  return "float: " + qstr(p.reason);
}

void LayerTableModel::setSource(const aq::ModelSource* source) {
  beginResetModel();
  rows_.clear();
  results_ = 0;
  stored_ = false;
  if (source)
    for (const auto& t : source->tensors()) rows_.push_back({t, std::nullopt, std::nullopt});
  endResetModel();
}

void LayerTableModel::setStoredModel(const aq::LogicalModel& model) {
  beginResetModel();
  rows_.clear();
  results_ = 0;
  stored_ = true;
  const auto& stored = model.source().tensors();
  for (std::size_t i = 0; i < model.tensors().size(); ++i) {
    const aq::LogicalTensor& t = model.tensors()[i];
    aq::TensorInfo info;
    info.name = t.name;
    info.dtype = t.dtype;
    info.shape = t.shape;
    // The plan a run would have had: what is stored, and as what.
    aq::TensorPlan p;
    p.index = i;
    p.decision = t.quantized ? aq::Decision::Quantize : aq::Decision::KeepNotFloat;
    p.scheme = t.scheme;
    p.layout = t.layout;
    p.reason = "stored as " + (t.quantized ? t.scheme.describe() : stored[t.data].type_name());
    rows_.push_back({std::move(info), p, std::nullopt});
  }
  endResetModel();
  emit headerDataChanged(Qt::Horizontal, PlanCol, PlanCol);
}

void LayerTableModel::setPlan(const aq::Plan& plan) {
  for (auto& r : rows_) r.predicted_sqnr_db.reset();
  for (const auto& tp : plan.tensors)
    if (tp.index < rows_.size()) rows_[tp.index].plan = tp;
  if (!rows_.empty()) emit dataChanged(index(0, PlanCol), index(rowCount() - 1, Sqnr));
}

void LayerTableModel::setPredicted(const aq::RunEstimate& estimate) {
  for (auto& r : rows_) r.predicted_sqnr_db.reset();
  for (const auto& q : estimate.quality)
    if (q.index < rows_.size()) rows_[q.index].predicted_sqnr_db = aq::metrics_from(q.sums).sqnr_db;
  if (!rows_.empty()) emit dataChanged(index(0, Sqnr), index(rowCount() - 1, Sqnr));
}

void LayerTableModel::setVerified(const aq::RunVerification& verification) {
  for (auto& r : rows_) r.verified.reset();
  for (const auto& t : verification.tensors)
    if (t.index < rows_.size()) rows_[t.index].verified = t;
  if (!rows_.empty()) emit dataChanged(index(0, Sqnr), index(rowCount() - 1, Sqnr));
}

void LayerTableModel::clearResults() {
  for (auto& r : rows_) r.result.reset(), r.verified.reset();
  results_ = 0;
  if (!rows_.empty()) emit dataChanged(index(0, Cosine), index(rowCount() - 1, Time));
}

void LayerTableModel::applyResults(const std::vector<aq::TensorResult>& results) {
  // One dataChanged for the batch: the sorting proxy re-sorts once, not once per tensor.
  std::size_t lo = rows_.size(), hi = 0;
  for (const auto& res : results) {
    if (res.index >= rows_.size()) continue;
    auto& row = rows_[res.index];
    if (!row.result) ++results_;
    row.result = res;
    lo = std::min(lo, res.index);
    hi = std::max(hi, res.index);
  }
  if (lo <= hi) emit dataChanged(index(int(lo), PlanCol), index(int(hi), Time));
}

void LayerTableModel::showRun(const aq::JobResult& result) {
  clearResults();
  applyResults(result.tensors);
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(rows_.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal) return {};
  static const char* kNames[] = {"Name", "Shape", "DType", "Params", "Plan", "Cosine",
                                 "SQNR", "Rel. error", "Bits/w", "Time"};
  static const char* kTips[] = {
      "Tensor name", "Shape as stored", "Element type on disk", "Number of parameters",
      "What the plan does: bits and group size, or kept in float and why",
      "Cosine similarity of the dequantized weights to the originals (last run)",
      "Signal-to-quantization-noise ratio in dB (last run; higher is better)",
      "Relative Frobenius error |W - Q(W)| / |W| (last run)",
      "Output bits per weight, scales and zero points included (last run)",
      "Wall time spent on this tensor (last run)"};
  if (stored_ && section == PlanCol) {  // a quantized file opened read-only
    if (role == Qt::DisplayRole) return QString("Stored as");
    if (role == Qt::ToolTipRole) return QString("The type each tensor is stored with in this file (read-only)");
  }
  if (role == Qt::DisplayRole && section < ColumnCount) return QString(kNames[section]);
  if (role == Qt::ToolTipRole && section < ColumnCount) return QString(kTips[section]);
  return {};
}

QVariant LayerTableModel::display(const Row& r, int column) const {
  const auto* res = r.result ? &*r.result : nullptr;
  const bool q = res && res->quantized();
  switch (column) {
    case Name: return qstr(r.info.name);
    case Shape: return qstr(r.info.shape_string());
    case DType: return qstr(std::string(aq::dtype_name(r.info.dtype)));
    case Params: return formatParams(r.info.numel());
    case PlanCol:
      if (stored_ && r.plan) return r.plan->quantized() ? qstr(r.plan->scheme.describe()) : qstr(r.plan->reason.substr(10));
      return r.plan ? planText(*r.plan) : QString();
    case Cosine: return q ? formatCosine(res->metrics.cosine) : QVariant();
    case Sqnr:
      if (q && r.verified) return formatDb(res->metrics.sqnr_db) + (r.verified->matches ? " ✓" : " ✗");
      if (q) return formatDb(res->metrics.sqnr_db);
      return !res && r.predicted_sqnr_db ? "≈ " + formatDb(*r.predicted_sqnr_db) : QVariant();
    case RelError: return q ? formatPercent(res->metrics.rel_fro_error) : QVariant();
    case Bpw: return res ? QString::number(res->bits_per_weight, 'f', 2) : QVariant();
    case Time:  // a comparison with the original measures no time per tensor
      return res && !stored_ ? QString::number(res->seconds * 1e3, 'f', 1) + " ms" : QVariant();
  }
  return {};
}

QVariant LayerTableModel::sortKey(const Row& r, int column) const {
  const auto* res = r.result ? &*r.result : nullptr;
  const bool q = res && res->quantized();
  // Rows without a value sort after every row with one (ascending).
  constexpr double kNone = 1e300;
  switch (column) {
    case Name: return qstr(r.info.name);
    case Shape: return qlonglong(r.info.numel());
    case DType: return qstr(std::string(aq::dtype_name(r.info.dtype)));
    case Params: return qlonglong(r.info.numel());
    case PlanCol:  // by stored bits per weight, kept tensors last
      if (!r.plan) return 100.0;
      if (!r.plan->quantized()) return 99.0;
      return r.info.numel() ? 8.0 * double(r.plan->layout.total_bytes()) / double(r.info.numel()) : 0.0;
    case Cosine: return q ? res->metrics.cosine : kNone;
    case Sqnr: {
      const std::optional<double> db = q ? std::optional<double>(res->metrics.sqnr_db) : res ? std::nullopt : r.predicted_sqnr_db;
      return db ? (std::isfinite(*db) ? *db : 1e299) : kNone;
    }
    case RelError: return q ? res->metrics.rel_fro_error : kNone;
    case Bpw: return res ? res->bits_per_weight : kNone;
    case Time: return res ? res->seconds : kNone;
  }
  return {};
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& r = rows_[std::size_t(index.row())];
  switch (role) {
    case Qt::DisplayRole: return display(r, index.column());
    case SortRole: return sortKey(r, index.column());
    case TensorIndexRole: return qulonglong(index.row());
    case QuantizedRole: return r.plan && r.plan->quantized();
    case Qt::TextAlignmentRole:
      return index.column() >= Params && index.column() != PlanCol
                 ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                 : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
      if (index.column() == PlanCol && r.plan && stored_) return qstr(r.plan->reason);
      if (index.column() == PlanCol && r.plan)
        return r.plan->quantized() ? qstr(r.plan->scheme.describe() + " — " + r.plan->reason)
                                   : qstr("Kept in float: " + r.plan->reason);
      if (index.column() == Name) return qstr(r.info.name);
      if (index.column() == Sqnr && r.result && r.verified)
        return QString("Read back from the written file: %1 (the run measured %2)")
            .arg(formatDb(r.verified->read_back_db), formatDb(r.result->metrics.sqnr_db));
      if (index.column() == Sqnr && !r.result && r.predicted_sqnr_db)
        return QString("Predicted before the run from a sample of this tensor's rows (plain rounding)");
      return {};
    case Qt::FontRole:
      if (index.column() == Sqnr && r.result && r.verified)
        return QString("Read back from the written file: %1 (the run measured %2)")
            .arg(formatDb(r.verified->read_back_db), formatDb(r.result->metrics.sqnr_db));
      if (index.column() == Sqnr && !r.result && r.predicted_sqnr_db) {
        QFont italic;
        italic.setItalic(true);
        return italic;
      }
      return {};
    case Qt::ForegroundRole:
      // Tensors kept in float are shown muted: the interesting rows are the quantized ones.
      if (r.plan && !r.plan->quantized())
        return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
      if (index.column() == Sqnr && r.result && r.result->quantized()) {
        const double db = r.result->metrics.sqnr_db;
        if (db < 10) return QBrush(QColor(0xd9, 0x3f, 0x3f));
        if (db < 15) return QBrush(QColor(0xd0, 0x8a, 0x1a));
      }
      return {};
  }
  return {};
}

}  // namespace aqui
