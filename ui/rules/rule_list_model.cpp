#include "ui/rules/rule_list_model.h"

#include <QBrush>
#include <QColor>
#include <QTextDocument>
#include <algorithm>

#include "plan/rule_text.h"
#include "util/shell_quote.h"
#include "ui/util/format.h"

namespace aqui {

QString ruleActionText(const aq::UserRule& rule) {
  if (rule.keep) return "keep in float";
  if (rule.ggml_type >= 0) return qstr(aq::user_rule_value(rule));
  const QString group = rule.group_size < 0    ? QString("run's group")
                        : rule.group_size == 0 ? QString("per-channel")
                                               : QString("group %1").arg(rule.group_size);
  return QString("INT%1 · %2").arg(rule.bits).arg(group);
}

aq::Result<aq::UserRule> parseRule(const QString& pattern, const QString& value) {
  if (pattern.isEmpty()) return aq::make_error(aq::ErrorKind::BadInput, "", "", "a rule needs a pattern");
  return aq::parse_user_rule(sstr(pattern + "=" + value));
}

QStringList RuleListModel::specs() const {
  QStringList out;
  for (const auto& r : rules_) out << qstr(aq::user_rule_spec(r));
  return out;
}

void RuleListModel::setSpecs(const QStringList& specs) {
  if (specs == this->specs()) return;  // keeps the view's selection while settings echo back
  beginResetModel();
  rules_.clear();
  for (const auto& spec : specs)
    if (auto r = aq::parse_user_rule(sstr(spec))) rules_.push_back(std::move(*r));
  endResetModel();
}

QString RuleListModel::insertRule(int row, const QString& pattern, const QString& value) {
  auto rule = parseRule(pattern, value);
  if (!rule) return qstr(rule.error().reason);
  // The same pattern further down would be shadowed by this one for ever.
  for (int i = count() - 1; i >= 0; --i)
    if (rules_[std::size_t(i)].pattern == rule->pattern) {
      beginRemoveRows({}, i, i);
      rules_.erase(rules_.begin() + i);
      endRemoveRows();
      if (i < row) --row;
    }
  row = std::clamp(row, 0, count());
  beginInsertRows({}, row, row);
  rules_.insert(rules_.begin() + row, std::move(*rule));
  endInsertRows();
  emit dataChanged(index(0, Order), index(count() - 1, Order));  // the numbers below moved
  emit rulesChanged();
  return {};
}

QString RuleListModel::replaceRule(int row, const QString& pattern, const QString& value) {
  if (row < 0 || row >= count()) return insertRule(count(), pattern, value);
  auto rule = parseRule(pattern, value);
  if (!rule) return qstr(rule.error().reason);
  rules_[std::size_t(row)] = std::move(*rule);
  emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
  // Another rule with this pattern now duplicates it: the lower one could never fire.
  for (int i = count() - 1; i >= 0; --i)
    if (i != row && rules_[std::size_t(i)].pattern == rules_[std::size_t(row)].pattern) {
      beginRemoveRows({}, i, i);
      rules_.erase(rules_.begin() + i);
      endRemoveRows();
      if (i < row) --row;
    }
  emit dataChanged(index(0, Order), index(count() - 1, Order));
  emit rulesChanged();
  return {};
}

void RuleListModel::removeRule(int row) {
  if (row < 0 || row >= count()) return;
  beginRemoveRows({}, row, row);
  rules_.erase(rules_.begin() + row);
  endRemoveRows();
  if (count()) emit dataChanged(index(0, Order), index(count() - 1, Order));
  emit rulesChanged();
}

bool RuleListModel::moveRule(int from, int to) {
  if (from < 0 || from >= count() || to < 0 || to >= count() || from == to) return false;
  // Qt's destination is the row the item goes before, in the list as it was.
  beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
  auto rule = std::move(rules_[std::size_t(from)]);
  rules_.erase(rules_.begin() + from);
  rules_.insert(rules_.begin() + to, std::move(rule));
  endMoveRows();
  emit dataChanged(index(0, Order), index(count() - 1, Order));
  emit rulesChanged();
  return true;
}

void RuleListModel::clear() {
  if (rules_.empty()) return;
  beginResetModel();
  rules_.clear();
  endResetModel();
  emit rulesChanged();
}

QString RuleListModel::cliArguments() const { return qstr(aq::shell_join(aq::user_rule_arguments(rules_))); }

void RuleListModel::setGgufOutput(bool gguf) {
  if (gguf == gguf_) return;
  gguf_ = gguf;
  if (count()) emit dataChanged(index(0, 0), index(count() - 1, ColumnCount - 1));
}

int RuleListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : count(); }
int RuleListModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RuleListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= count()) return {};
  const auto& r = rules_[std::size_t(index.row())];
  switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
      if (index.column() == Order) return index.row() + 1;
      if (index.column() == Pattern) return qstr(r.pattern);
      if (index.column() == Action) return ruleActionText(r) + (needsGguf(r) ? " (GGUF only)" : "");
      return {};
    case Qt::ToolTipRole:
      if (needsGguf(r))
        return QString("A ggml type applies to a GGUF output only: with this output format the run "
                       "refuses this rule");
      // As rich text with the pattern escaped: a pattern may hold '<'.
      return Qt::convertFromPlainText(QString("Rule %1: tensors whose name contains a match of %2 → %3")
                                          .arg(index.row() + 1)
                                          .arg(qstr(r.pattern), ruleActionText(r)));
    case Qt::ForegroundRole:
      if (needsGguf(r)) return QBrush(QColor(0xd9, 0x3f, 0x3f));
      return {};
    case Qt::TextAlignmentRole:
      return index.column() == Order ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
  }
  return {};
}

QVariant RuleListModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Order: return "#";
    case Pattern: return "Pattern (regex)";
    case Action: return "Then";
  }
  return {};
}

}  // namespace aqui
