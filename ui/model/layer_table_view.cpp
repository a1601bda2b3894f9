#include "ui/model/layer_table_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/model/layer_filter_proxy.h"
#include "ui/model/layer_table_model.h"

namespace aqui {

LayerTableView::LayerTableView(LayerTableModel* model, QWidget* parent)
    : QWidget(parent), model_(model), proxy_(new LayerFilterProxy(this)) {
  proxy_->setSourceModel(model_);

  filter_ = new QLineEdit;
  filter_->setObjectName("layerFilter");
  filter_->setPlaceholderText("Filter layers by name (e.g. attn, blocks.3.)");
  filter_->setClearButtonEnabled(true);
  quantizedOnly_ = new QCheckBox("Quantized only");

  table_ = new QTableView;
  table_->setObjectName("layerTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(-1, Qt::AscendingOrder);  // processing order until the user sorts
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);  // several layers take one rule (ui/rules)
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  auto* header = table_->horizontalHeader();
  header->setSectionResizeMode(QHeaderView::Interactive);
  header->setStretchLastSection(false);
  header->resizeSection(LayerTableModel::Name, 270);
  header->resizeSection(LayerTableModel::Shape, 100);
  header->resizeSection(LayerTableModel::DType, 56);
  header->resizeSection(LayerTableModel::Params, 70);
  header->resizeSection(LayerTableModel::PlanCol, 230);
  for (int c = LayerTableModel::Cosine; c < LayerTableModel::ColumnCount; ++c) header->resizeSection(c, 78);

  auto* top = new QHBoxLayout;
  top->addWidget(filter_, 1);
  top->addWidget(quantizedOnly_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(table_, 1);

  connect(filter_, &QLineEdit::textChanged, proxy_, &LayerFilterProxy::setNameFilter);
  connect(quantizedOnly_, &QCheckBox::toggled, proxy_, &LayerFilterProxy::setQuantizedOnly);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (current.isValid())
              emit tensorSelected(std::size_t(
                  current.data(LayerTableModel::TensorIndexRole).toULongLong()));
          });
}

void LayerTableView::selectTensor(std::size_t index) {
  const QModelIndex src = model_->index(int(index), 0);
  const QModelIndex p = proxy_->mapFromSource(src);
  if (!p.isValid()) return;
  table_->selectionModel()->setCurrentIndex(
      p, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  table_->scrollTo(p);
}

}  // namespace aqui
