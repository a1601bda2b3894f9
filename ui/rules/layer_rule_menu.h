#pragma once
// The layer table's context menu: rules for the tensor under the mouse, the selected tensors
// (one exact-name rule each) or the names the filter box matches (one rule from its text).
#include <QObject>
#include <QStringList>

class QMenu;
class QPoint;

namespace aqui {

class LayerTableView;
class RuleEditor;

class LayerRuleMenu : public QObject {
  Q_OBJECT
 public:
  /// Attaches itself to the view's table (custom context menu); the rules go to `editor`.
  LayerRuleMenu(LayerTableView* view, RuleEditor* editor);

  /// The menu for the current selection and filter (the caller owns it). Public for tests.
  QMenu* createMenu(QWidget* parent = nullptr);

  /// "^blocks\.0\.attn\.qkv\.weight$" for each selected tensor, in the table's order.
  QStringList selectionPatterns() const;
  /// The filter box's text as a literal pattern; empty without a filter.
  QString filterPattern() const;
  /// How many of the model's tensors `pattern` matches.
  int matchCount(const QString& pattern) const;

 private:
  void addActions(QMenu* menu, const QStringList& patterns, const QString& target);

  LayerTableView* view_;
  RuleEditor* editor_;
};

}  // namespace aqui
