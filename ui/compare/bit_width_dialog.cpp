#include "ui/compare/bit_width_dialog.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

#include "quant/scheme_traits.h"
#include "ui/settings/run_settings.h"

namespace aqui {

std::optional<std::vector<int>> askBitWidths(QWidget* parent) {
  QDialog d(parent);
  d.setWindowTitle("Compare bit widths");
  auto* l = new QVBoxLayout(&d);
  l->addWidget(new QLabel("Run these bit widths one after the other,\nwith the other settings unchanged:"));
  std::vector<std::pair<int, QCheckBox*>> boxes;
  for (const auto& scheme : aq::scheme_table()) {
    const int b = scheme.bits;
    auto* c = new QCheckBox(QString("INT%1").arg(b));
    c->setChecked(b != 3);
    l->addWidget(c);
    boxes.emplace_back(b, c);
  }
  auto* bb = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  l->addWidget(bb);
  QObject::connect(bb, &QDialogButtonBox::accepted, &d, &QDialog::accept);
  QObject::connect(bb, &QDialogButtonBox::rejected, &d, &QDialog::reject);
  if (d.exec() != QDialog::Accepted) return std::nullopt;
  std::vector<int> bits;
  for (auto& [b, c] : boxes)
    if (c->isChecked()) bits.push_back(b);
  return bits;
}

}  // namespace aqui
