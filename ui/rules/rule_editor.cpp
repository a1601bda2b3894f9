#include "ui/rules/rule_editor.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QShortcut>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/rules/rule_list_model.h"

namespace aqui {

RuleEditor::RuleEditor(QWidget* parent) : QGroupBox("Per-layer rules", parent), model_(new RuleListModel(this)) {
  setObjectName("ruleEditor");
  hint_ = new QLabel;
  hint_->setWordWrap(true);

  view_ = new QTableView;
  view_->setObjectName("ruleList");
  view_->setModel(model_);
  view_->setToolTip("The rules, checked from the top: the first whose pattern a tensor's name matches decides\n"
                    "(--keep REGEX, --rule REGEX=BITS[:GROUP]). Double-click a rule to edit it.");
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setWordWrap(false);
  view_->setTextElideMode(Qt::ElideMiddle);  // long exact-name patterns keep both ends
  view_->verticalHeader()->setVisible(false);
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
  auto* header = view_->horizontalHeader();
  header->setSectionResizeMode(RuleListModel::Order, QHeaderView::ResizeToContents);
  header->setSectionResizeMode(RuleListModel::Pattern, QHeaderView::Stretch);
  header->setSectionResizeMode(RuleListModel::Action, QHeaderView::ResizeToContents);
  // Room for four rules; more scroll.
  view_->setFixedHeight(header->sizeHint().height() + 4 * view_->verticalHeader()->defaultSectionSize() + 4);

  const auto button = [this](const QString& text, const QString& tip, QStyle::StandardPixmap icon = QStyle::SP_CustomBase) {
    auto* b = new QToolButton;
    b->setText(text);
    b->setToolTip(tip);
    if (icon != QStyle::SP_CustomBase) {
      b->setIcon(style()->standardIcon(icon));
      b->setToolButtonStyle(Qt::ToolButtonIconOnly);
    }
    return b;
  };
  auto* add = button("Add…", "Add a rule above the selected one (at the end when none is selected)");
  add->setObjectName("ruleAdd");
  edit_ = button("Edit…", "Change the selected rule (or double-click it)");
  remove_ = button("Remove", "Remove the selected rule (Delete)");
  up_ = button("Up", "Move the selected rule up: it is checked earlier", QStyle::SP_ArrowUp);
  down_ = button("Down", "Move the selected rule down: it is checked later", QStyle::SP_ArrowDown);
  auto* buttons = new QHBoxLayout;
  for (QToolButton* b : {add, edit_, remove_, up_, down_}) buttons->addWidget(b);
  buttons->addStretch();

  // The equivalent command-line arguments, always in view (a line edit scrolls what does not fit).
  cli_ = new QLineEdit;
  cli_->setObjectName("ruleCliArguments");
  cli_->setReadOnly(true);
  cli_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  cli_->setPlaceholderText("no --keep / --rule arguments");
  cli_->setToolTip("The same rules as arrowquant-cli arguments (quantize, plan)");
  copy_ = button("Copy", "Copy as CLI arguments: the rules as arrowquant-cli --keep / --rule arguments, "
                         "quoted for a shell");
  copy_->setObjectName("ruleCopyCli");
  auto* cliRow = new QHBoxLayout;
  cliRow->addWidget(new QLabel("CLI"));
  cliRow->addWidget(cli_, 1);
  cliRow->addWidget(copy_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(hint_);
  layout->addWidget(view_);
  layout->addLayout(buttons);
  layout->addLayout(cliRow);

  connect(add, &QToolButton::clicked, this, &RuleEditor::addRule);
  connect(edit_, &QToolButton::clicked, this, [this] { editRule(currentRow()); });
  connect(remove_, &QToolButton::clicked, this, [this] { model_->removeRule(currentRow()); });
  connect(up_, &QToolButton::clicked, this, [this] { moveCurrent(-1); });
  connect(down_, &QToolButton::clicked, this, [this] { moveCurrent(+1); });
  connect(copy_, &QToolButton::clicked, this, &RuleEditor::copyCliArguments);
  connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) { editRule(i.row()); });
  auto* del = new QShortcut(QKeySequence::Delete, view_);
  del->setContext(Qt::WidgetShortcut);
  connect(del, &QShortcut::activated, this, [this] { model_->removeRule(currentRow()); });
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RuleEditor::refresh);
  connect(model_, &RuleListModel::rulesChanged, this, [this] {
    refresh();
    if (!restoring_) emit changed();
  });
  connect(model_, &QAbstractItemModel::modelReset, this, &RuleEditor::refresh);
  refresh();
}

QStringList RuleEditor::specs() const { return model_->specs(); }

void RuleEditor::setSpecs(const QStringList& specs) {
  restoring_ = true;
  model_->setSpecs(specs);
  restoring_ = false;
}

void RuleEditor::setGgufOutput(bool gguf) {
  gguf_ = gguf;
  model_->setGgufOutput(gguf);
}

QString RuleEditor::addRules(const QStringList& patterns, const QString& value) {
  // Checked first so that a refused pattern leaves the list as it was.
  for (const auto& p : patterns)
    if (auto rule = parseRule(p, value); !rule) return QString::fromStdString(rule.error().reason);
  for (int i = 0; i < patterns.size(); ++i) model_->insertRule(i, patterns[i], value);
  if (!patterns.isEmpty()) {
    selectRow(0);
    reveal();
  }
  return {};
}

void RuleEditor::askAndAddRules(const QStringList& patterns, const QString& target, RuleDialog::Kind kind) {
  RuleDialog dialog(target, gguf_, [&](const QString&, const QString& value) { return addRules(patterns, value); },
                    window());
  dialog.setKind(kind);
  dialog.exec();
}

QString RuleEditor::copyCliArguments() {
  const QString args = model_->cliArguments();
  QApplication::clipboard()->setText(args);
  return args;
}

int RuleEditor::currentRow() const {
  const auto rows = view_->selectionModel()->selectedRows();
  return rows.isEmpty() ? -1 : rows.front().row();
}

void RuleEditor::selectRow(int row) {
  if (row < 0 || row >= model_->count()) return view_->clearSelection();
  view_->selectionModel()->setCurrentIndex(model_->index(row, 0),
                                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  view_->scrollTo(model_->index(row, 0));
}

void RuleEditor::addRule() {
  const int at = currentRow() >= 0 ? currentRow() : model_->count();
  RuleDialog dialog({}, gguf_, [&](const QString& p, const QString& v) { return model_->insertRule(at, p, v); }, window());
  if (dialog.exec() == QDialog::Accepted) selectRow(std::min(at, model_->count() - 1));
}

void RuleEditor::editRule(int row) {
  if (row < 0 || row >= model_->count()) return;
  RuleDialog dialog({}, gguf_, [&](const QString& p, const QString& v) { return model_->replaceRule(row, p, v); }, window());
  dialog.setRule(model_->rules()[std::size_t(row)]);
  dialog.exec();
}

void RuleEditor::moveCurrent(int by) {
  const int row = currentRow();
  if (model_->moveRule(row, row + by)) selectRow(row + by);
}

void RuleEditor::refresh() {
  const int row = currentRow();
  edit_->setEnabled(row >= 0);
  remove_->setEnabled(row >= 0);
  up_->setEnabled(row > 0);
  down_->setEnabled(row >= 0 && row + 1 < model_->count());
  copy_->setEnabled(model_->count() > 0);
  cli_->setText(model_->cliArguments());
  cli_->setCursorPosition(0);
  hint_->setText(model_->count()
                     ? "Checked from the top, before the built-in rules: the first match decides a tensor."
                     : "No rules: right-click layers in the table, or Add…. Rules are checked from the "
                       "top, before the built-in rules; the first match decides.");
}

void RuleEditor::reveal() {
  for (QWidget* w = parentWidget(); w; w = w->parentWidget())
    if (auto* scroll = qobject_cast<QScrollArea*>(w)) {
      // Vertically only: a narrow dock's content may be wider than its view, and x stays at 0.
      const int y = mapTo(scroll->widget(), QPoint(0, 0)).y();
      return scroll->ensureVisible(0, y + height() / 2, 0, height() / 2 + 8);
    }
}

}  // namespace aqui
