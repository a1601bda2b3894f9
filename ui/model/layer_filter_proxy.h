#pragma once
// Sorting by value and filtering by name (substring, case-insensitive) for the layer table.
#include <QSortFilterProxyModel>

namespace aqui {

class LayerFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit LayerFilterProxy(QObject* parent = nullptr);

  void setNameFilter(const QString& text);
  void setQuantizedOnly(bool on);

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

 private:
  QString filter_;
  bool quantizedOnly_ = false;
};

}  // namespace aqui
