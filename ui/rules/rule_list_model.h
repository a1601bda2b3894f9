#pragma once
// The user's per-layer rules, in order: the first rule whose pattern matches a tensor's name
// decides it (the engine's PlanOptions::rules). Rules are the engine's own aq::UserRule, made by
// the core's parser from "REGEX=VALUE" text, so the GUI never reads a rule itself.
#include <QAbstractTableModel>
#include <QStringList>
#include <vector>

#include "plan/plan.h"

namespace aqui {

class RuleListModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Order, Pattern, Action, ColumnCount };

  using QAbstractTableModel::QAbstractTableModel;

  const std::vector<aq::UserRule>& rules() const { return rules_; }
  int count() const { return int(rules_.size()); }

  /// Each rule as "REGEX=VALUE" (RunSettings::rules), and back; specs the parser refuses are left out.
  QStringList specs() const;
  void setSpecs(const QStringList& specs);

  /// Checks `pattern` and `value` ("keep", "4:64", "q6_k"...) with the core's parser and inserts
  /// the rule at `row` (clamped). A rule with the same pattern is replaced: it could never fire
  /// after this one. Returns the parser's message when refused (it names the pattern), else "".
  QString insertRule(int row, const QString& pattern, const QString& value);
  /// Like insertRule, in place of the rule at `row`.
  QString replaceRule(int row, const QString& pattern, const QString& value);
  void removeRule(int row);
  /// Moves the rule at `from` to `to`; returns false when either is out of range.
  bool moveRule(int from, int to);
  void clear();

  /// The equivalent arrowquant-cli arguments (--keep / --rule, shell-quoted).
  QString cliArguments() const;

  /// Whether the output is GGUF: a rule naming a ggml type is marked as refused otherwise.
  void setGgufOutput(bool gguf);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 signals:
  /// Any change to the list (not emitted by setSpecs, which restores saved settings).
  void rulesChanged();

 private:
  bool needsGguf(const aq::UserRule& rule) const { return rule.ggml_type >= 0 && !gguf_; }

  std::vector<aq::UserRule> rules_;
  bool gguf_ = false;
};

/// "keep in float", "INT8 · group 32", "INT4 · per-channel", "INT3 · run's group", "q6_k".
QString ruleActionText(const aq::UserRule& rule);

/// The core's parse of "PATTERN=VALUE", with a plain message for an empty pattern.
aq::Result<aq::UserRule> parseRule(const QString& pattern, const QString& value);

}  // namespace aqui
