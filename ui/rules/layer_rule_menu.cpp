#include "ui/rules/layer_rule_menu.h"

#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <algorithm>
#include <regex>

#include "plan/rule_text.h"
#include "ui/model/layer_filter_proxy.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/layer_table_view.h"
#include "ui/rules/rule_editor.h"
#include "ui/util/format.h"

namespace aqui {

namespace {
const LayerTableModel* layers(const LayerTableView* view) {
  return qobject_cast<const LayerTableModel*>(view->proxy()->sourceModel());
}
// Menu text shows a name as it is: '&' would otherwise mark a shortcut.
QString menuText(QString text) { return text.replace('&', "&&"); }
}  // namespace

LayerRuleMenu::LayerRuleMenu(LayerTableView* view, RuleEditor* editor) : QObject(view), view_(view), editor_(editor) {
  QTableView* table = view_->table();
  table->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table, &QWidget::customContextMenuRequested, this, [this, table](const QPoint& pos) {
    // Right-click on a row outside the selection selects that row first, as file managers do.
    const QModelIndex at = table->indexAt(pos);
    if (at.isValid() && !table->selectionModel()->isRowSelected(at.row(), at.parent()))
      table->selectionModel()->setCurrentIndex(at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QMenu* menu = createMenu(table);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(table->viewport()->mapToGlobal(pos));
  });
}

QStringList LayerRuleMenu::selectionPatterns() const {
  QModelIndexList rows = view_->table()->selectionModel()->selectedRows(LayerTableModel::Name);
  std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
  QStringList out;
  for (const auto& r : rows) out << qstr(aq::exact_name_pattern(sstr(r.data().toString())));
  return out;
}

QString LayerRuleMenu::filterPattern() const {
  const QString text = view_->filterEdit()->text().trimmed();
  return text.isEmpty() ? QString() : qstr(aq::literal_pattern(sstr(text)));
}

int LayerRuleMenu::matchCount(const QString& pattern) const {
  const auto* model = layers(view_);
  if (!model || pattern.isEmpty()) return 0;
  const auto rule = aq::make_keep_rule(sstr(pattern));  // the regex exactly as the plan compiles it
  if (!rule) return 0;
  int n = 0;
  for (int i = 0; i < model->rowCount(); ++i) n += std::regex_search(model->rowAt(i).info.name, rule->regex) ? 1 : 0;
  return n;
}

QMenu* LayerRuleMenu::createMenu(QWidget* parent) {
  auto* menu = new QMenu(parent);
  menu->setObjectName("layerRuleMenu");
  const auto* model = layers(view_);
  if (!model || model->rowCount() == 0 || model->storedMode()) {
    menu->addAction("No rules for a quantized file (it is read-only)")->setEnabled(false);
    if (!model || model->rowCount() == 0) menu->actions().front()->setText("Open a model to set rules for its layers");
    return menu;
  }
  if (!editor_->isEnabled()) {
    menu->addAction("Rules are locked while a run is going")->setEnabled(false);
    return menu;
  }
  const QStringList selected = selectionPatterns();
  if (!selected.isEmpty()) {
    const auto rows = view_->table()->selectionModel()->selectedRows(LayerTableModel::Name);
    const QString target =
        selected.size() == 1 ? rows.front().data().toString() : QString("%1 selected tensors").arg(selected.size());
    QAction* title = menu->addAction(menuText(target));
    title->setEnabled(false);
    addActions(menu, selected, target);
  }
  if (const QString pattern = filterPattern(); !pattern.isEmpty()) {
    if (!menu->isEmpty()) menu->addSeparator();
    const QString text = view_->filterEdit()->text().trimmed();
    const int n = matchCount(pattern);
    const QString target = QString("names containing “%1” (%2 %3)").arg(text).arg(n).arg(n == 1 ? "tensor" : "tensors");
    QMenu* sub = menu->addMenu(menuText("Rule for the filter: " + target));
    sub->setObjectName("filterRuleMenu");
    addActions(sub, {pattern}, target);
  }
  if (menu->isEmpty()) menu->addAction("Select layers or type a filter to add rules")->setEnabled(false);
  return menu;
}

void LayerRuleMenu::addActions(QMenu* menu, const QStringList& patterns, const QString& target) {
  QAction* keep = menu->addAction("Keep in float");
  keep->setObjectName("ruleKeep");
  connect(keep, &QAction::triggered, editor_, [this, patterns] { editor_->addRules(patterns, "keep"); });
  QAction* bits = menu->addAction("Set bits / group…");
  bits->setObjectName("ruleBits");
  connect(bits, &QAction::triggered, editor_,
          [this, patterns, target] { editor_->askAndAddRules(patterns, target, RuleDialog::Kind::Bits); });
  if (editor_->ggufOutput()) {
    QAction* type = menu->addAction("Set GGUF type…");
    type->setObjectName("ruleType");
    connect(type, &QAction::triggered, editor_,
            [this, patterns, target] { editor_->askAndAddRules(patterns, target, RuleDialog::Kind::GgmlType); });
  }
}

}  // namespace aqui
