#pragma once
// The layer table with its filter box. Selecting a row announces the tensor (for the histogram);
// right-click adds per-layer rules (ui/rules/layer_rule_menu.h).
#include <QWidget>
#include <cstddef>

class QCheckBox;
class QLineEdit;
class QTableView;

namespace aqui {

class LayerTableModel;
class LayerFilterProxy;

class LayerTableView : public QWidget {
  Q_OBJECT
 public:
  explicit LayerTableView(LayerTableModel* model, QWidget* parent = nullptr);

  QTableView* table() const { return table_; }
  LayerFilterProxy* proxy() const { return proxy_; }
  QLineEdit* filterEdit() const { return filter_; }
  /// Selects the row of tensor `index`, if it passes the filter.
  void selectTensor(std::size_t index);

 signals:
  void tensorSelected(std::size_t index);

 private:
  LayerTableModel* model_;
  LayerFilterProxy* proxy_;
  QLineEdit* filter_;
  QCheckBox* quantizedOnly_;
  QTableView* table_;
};

}  // namespace aqui
