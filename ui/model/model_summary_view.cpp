#include "ui/model/model_summary_view.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

#include "io/model_source.h"
#include "plan/plan.h"
#include "report/model_summary.h"
#include "ui/util/format.h"

namespace aqui {

QString dtypeCounts(const aq::ModelSource& source) {
  const aq::ModelSummary sum = aq::summarize(source);
  std::vector<std::pair<std::string, aq::DTypeTotals>> sorted(sum.by_dtype.begin(), sum.by_dtype.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](auto& a, auto& b) { return a.second.tensors > b.second.tensors; });
  QStringList parts;
  for (const auto& [name, t] : sorted) parts << QString("%1 ×%2").arg(qstr(name)).arg(t.tensors);
  return parts.join(", ");
}

ModelSummaryView::ModelSummaryView(QWidget* parent) : QWidget(parent), label_(new QLabel) {
  label_->setObjectName("modelSummary");
  label_->setTextFormat(Qt::RichText);
  label_->setWordWrap(true);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* l = new QVBoxLayout(this);
  l->setContentsMargins(2, 2, 2, 2);
  l->addWidget(label_);
  clear();
}

void ModelSummaryView::clear() {
  label_->setText("<b>No model open.</b> Use File ▸ Open (Ctrl+O), drop a .safetensors file or a "
                  "diffusers folder here, or File ▸ Open Demo Model.");
}

void ModelSummaryView::showLoading(const QString& what) {
  label_->setText(QString("<i>%1</i>").arg(what.toHtmlEscaped()));
}

void ModelSummaryView::showError(const QString& message) {
  label_->setText(QString("<span style='color:#d93f3f'><b>Could not open the model.</b> %1</span>")
                      .arg(message.toHtmlEscaped()));
}

void ModelSummaryView::setModel(const aq::ModelSource& src, const aq::Plan&) {
  // The engine's own summary (the CLI's `inspect`), so both faces say the same thing.
  const aq::ModelSummary sum = aq::summarize(src);
  const QString name = qstr(src.path().filename().string());
  const auto cell = [](const QString& k, const QString& v) {
    return QString("<td style='padding-right:14px'><b>%1</b> %2</td>").arg(k, v.toHtmlEscaped());
  };
  QString html = QString("<b style='font-size:large'>%1</b>"
                         "<span style='color:gray'>&nbsp;&nbsp;%2</span>"
                         "<table style='margin-top:3px'><tr>")
                     .arg(name.toHtmlEscaped(), qstr(src.path().string()).toHtmlEscaped());
  html += cell("Family", qstr(std::string(aq::family_name(sum.family))));
  html += cell("Format", qstr(sum.format));
  html += cell("Tensors", QString::number(sum.tensors));
  html += cell("Parameters", formatParams(sum.params));
  html += cell("Size", formatBytes(sum.bytes));
  html += cell("DTypes", dtypeCounts(src));
  if (!sum.by_component.empty()) {
    QStringList comps;
    for (const auto& [name, n] : sum.by_component) comps << QString("%1 (%2)").arg(qstr(name)).arg(n);
    html += cell("Components", comps.join(", "));
  }
  html += "</tr></table>";
  label_->setText(html);
}

QString ModelSummaryView::text() const { return label_->text(); }

}  // namespace aqui
