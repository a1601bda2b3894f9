#include "ui/model/layer_filter_proxy.h"

#include "ui/model/layer_table_model.h"

namespace aqui {

LayerFilterProxy::LayerFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(LayerTableModel::SortRole);
  setDynamicSortFilter(true);
}

void LayerFilterProxy::setNameFilter(const QString& text) {
  filter_ = text.trimmed();
  invalidateFilter();
}

void LayerFilterProxy::setQuantizedOnly(bool on) {
  quantizedOnly_ = on;
  invalidateFilter();
}

bool LayerFilterProxy::filterAcceptsRow(int row, const QModelIndex& parent) const {
  const QModelIndex name = sourceModel()->index(row, LayerTableModel::Name, parent);
  if (quantizedOnly_ && !name.data(LayerTableModel::QuantizedRole).toBool()) return false;
  return filter_.isEmpty() || name.data().toString().contains(filter_, Qt::CaseInsensitive);
}

}  // namespace aqui
