#include "ui/rules/rule_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "plan/rule_text.h"
#include "quant/scheme_traits.h"
#include "ui/settings/output_format.h"
#include "ui/settings/run_settings.h"
#include "ui/util/format.h"

namespace aqui {

RuleDialog::RuleDialog(const QString& target, bool ggufOutput, Apply apply, QWidget* parent)
    : QDialog(parent), apply_(std::move(apply)) {
  setWindowTitle("Per-layer rule");
  auto* form = new QFormLayout;
  if (target.isEmpty()) {
    pattern_ = new QLineEdit;
    pattern_->setObjectName("rulePattern");
    pattern_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    pattern_->setMinimumWidth(320);
    pattern_->setPlaceholderText(R"(e.g. blocks\.(0|1)\.attn)");
    form->addRow("Pattern", pattern_);
    auto* hint = new QLabel("A regular expression (ECMAScript, as the CLI's --rule) searched anywhere in "
                            "the tensor name; ^ and $ anchor it.");
    hint->setWordWrap(true);
    hint->setEnabled(false);  // muted, in either theme
    form->addRow(QString(), hint);
  } else {
    auto* label = new QLabel(target);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    form->addRow("For", label);
  }

  kind_ = new QComboBox;
  kind_->setObjectName("ruleKind");
  kind_->addItem("keep in float", int(Kind::Keep));
  kind_->addItem("quantize with these bits and group", int(Kind::Bits));
  if (ggufOutput) kind_->addItem("GGUF type", int(Kind::GgmlType));
  form->addRow("Then", kind_);

  details_ = new QStackedWidget;
  details_->addWidget(new QWidget);  // keep: nothing more to choose
  auto* bitsPage = new QWidget;
  auto* bitsRow = new QHBoxLayout(bitsPage);
  bitsRow->setContentsMargins(0, 0, 0, 0);
  bits_ = new QComboBox;
  bits_->setObjectName("ruleBits");
  for (const auto& scheme : aq::scheme_table()) bits_->addItem(QString("INT%1").arg(scheme.bits), scheme.bits);
  bits_->setCurrentIndex(std::max(0, bits_->findData(8)));
  group_ = new QComboBox;
  group_->setObjectName("ruleGroup");
  group_->addItem("the run's group size", -1);
  for (int g : kGroupSizes) group_->addItem(QString("group %1").arg(g), g);
  group_->addItem("per-channel", 0);
  bitsRow->addWidget(bits_);
  bitsRow->addWidget(group_, 1);
  details_->addWidget(bitsPage);
  type_ = new QComboBox;
  type_->setObjectName("ruleType");
  for (const auto& t : ggufTypeChoices()) type_->addItem(t.label(), t.name);
  type_->setCurrentIndex(std::max(0, type_->findData("q8_0")));
  details_->addWidget(type_);
  form->addRow(QString(), details_);

  error_ = new QLabel;
  error_->setObjectName("ruleError");
  error_->setWordWrap(true);
  error_->setTextFormat(Qt::PlainText);
  error_->setStyleSheet("color: #d93f3f");
  error_->hide();

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &RuleDialog::tryAccept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(kind_, &QComboBox::currentIndexChanged, this, &RuleDialog::showKind);

  auto* root = new QVBoxLayout(this);
  root->addLayout(form);
  root->addWidget(error_);
  root->addWidget(buttons);
  showKind();
}

void RuleDialog::setPattern(const QString& pattern) {
  if (pattern_) pattern_->setText(pattern);
}

void RuleDialog::setRule(const aq::UserRule& rule) {
  setPattern(qstr(rule.pattern));
  if (rule.keep) return setKind(Kind::Keep);
  if (rule.ggml_type >= 0) {
    setKind(Kind::GgmlType);
    type_->setCurrentIndex(std::max(0, type_->findData(qstr(aq::user_rule_value(rule)))));
    return;
  }
  setKind(Kind::Bits);
  bits_->setCurrentIndex(std::max(0, bits_->findData(rule.bits)));
  if (group_->findData(rule.group_size) < 0) group_->addItem(QString("group %1").arg(rule.group_size), rule.group_size);
  group_->setCurrentIndex(group_->findData(rule.group_size));
}

void RuleDialog::setKind(Kind kind) {
  // A GGUF type with another output: the kind is not offered, bits are the nearest thing.
  const int i = kind_->findData(int(kind));
  kind_->setCurrentIndex(i >= 0 ? i : kind_->findData(int(Kind::Bits)));
}

QString RuleDialog::pattern() const { return pattern_ ? pattern_->text() : QString(); }

QString RuleDialog::value() const {
  switch (Kind(kind_->currentData().toInt())) {
    case Kind::Keep: return "keep";
    case Kind::GgmlType: return type_->currentData().toString();
    case Kind::Bits: break;
  }
  const int g = group_->currentData().toInt();
  QString v = QString::number(bits_->currentData().toInt());
  if (g == 0) v += ":channel";
  else if (g > 0) v += ":" + QString::number(g);
  return v;
}

QString RuleDialog::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

bool RuleDialog::tryAccept() {
  const QString why = apply_ ? apply_(pattern(), value()) : QString();
  error_->setText(why);
  error_->setVisible(!why.isEmpty());
  if (!why.isEmpty()) return false;
  accept();
  return true;
}

void RuleDialog::showKind() { details_->setCurrentIndex(kind_->currentIndex() >= 0 ? kind_->currentData().toInt() : 0); }

}  // namespace aqui
