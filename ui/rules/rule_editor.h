#pragma once
// The settings dock's "Per-layer rules" box: the ordered rule list with add, edit, remove, move
// up and down, and the equivalent CLI arguments with a button to copy them. Rules chosen in the layer table arrive through
// addRules().
#include <QGroupBox>
#include <QStringList>

#include "ui/rules/rule_dialog.h"

class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;

namespace aqui {

class RuleListModel;

class RuleEditor : public QGroupBox {
  Q_OBJECT
 public:
  explicit RuleEditor(QWidget* parent = nullptr);

  RuleListModel* model() const { return model_; }
  QTableView* view() const { return view_; }
  QStringList specs() const;
  void setSpecs(const QStringList& specs);  // restoring settings: no changed()
  void setGgufOutput(bool gguf);
  bool ggufOutput() const { return gguf_; }

  /// One rule per pattern, all with `value`, at the top of the list (in the given order) so that
  /// they win over the rules there: a rule made for chosen tensors is meant to decide them.
  /// Returns the first refusal ("" when all were taken); nothing is added then.
  QString addRules(const QStringList& patterns, const QString& value);
  /// Asks for the action (RuleDialog) and adds the rules, as addRules().
  void askAndAddRules(const QStringList& patterns, const QString& target, RuleDialog::Kind kind);

  /// Puts the arguments on the clipboard; returns them.
  QString copyCliArguments();
  /// Scrolls the settings dock to the list.
  void reveal();

 signals:
  void changed();

 private:
  int currentRow() const;
  void selectRow(int row);
  void addRule();
  void editRule(int row);
  void moveCurrent(int by);
  void refresh();

  RuleListModel* model_;
  QTableView* view_;
  QLabel* hint_;
  QToolButton* edit_;
  QToolButton* remove_;
  QToolButton* up_;
  QToolButton* down_;
  QToolButton* copy_;
  QLineEdit* cli_;
  bool gguf_ = false;
  bool restoring_ = false;
};

}  // namespace aqui
