#pragma once
// Asks for one rule (pattern and action) or, for tensors chosen in the layer table, only the
// action. The dialog stays open until its `apply` function accepts the rule, so a refused
// pattern is explained where it was typed.
#include <QDialog>
#include <functional>

#include "plan/plan.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;

namespace aqui {

class RuleDialog : public QDialog {
  Q_OBJECT
 public:
  enum class Kind { Keep, Bits, GgmlType };
  /// Tries the rule: returns "" when it was taken, else why not (shown in the dialog).
  using Apply = std::function<QString(const QString& pattern, const QString& value)>;

  /// `target`: what the rule is for ("3 selected tensors"); empty: the pattern can be edited.
  RuleDialog(const QString& target, bool ggufOutput, Apply apply, QWidget* parent = nullptr);

  void setPattern(const QString& pattern);
  void setRule(const aq::UserRule& rule);  // pattern and action of an existing rule
  void setKind(Kind kind);

  QString pattern() const;
  /// "keep", "8", "4:32", "4:channel" or "q6_k": what follows '=' in --rule.
  QString value() const;
  QString errorText() const;

  /// OK: applies the rule and closes, or shows why it was refused and stays open.
  bool tryAccept();

 private:
  void showKind();

  Apply apply_;
  QLineEdit* pattern_ = nullptr;
  QComboBox* kind_ = nullptr;
  QComboBox* bits_ = nullptr;
  QComboBox* group_ = nullptr;
  QComboBox* type_ = nullptr;
  QStackedWidget* details_ = nullptr;
  QLabel* error_ = nullptr;
};

}  // namespace aqui
