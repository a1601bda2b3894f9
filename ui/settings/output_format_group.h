#pragma once
// "Output format": ArrowQuant packed, GGUF or HDF5; for GGUF, the ggml type and the
// general.architecture written into the file. Emits changed() on every edit.
#include <QGroupBox>

#include "ui/settings/output_format.h"

class QComboBox;
class QFormLayout;

namespace aqui {

class OutputFormatGroup : public QGroupBox {
  Q_OBJECT
 public:
  explicit OutputFormatGroup(QWidget* parent = nullptr);

  OutputFormat format() const;
  QString ggmlType() const;   // "q4_k"
  QString architecture() const;  // "" (from the model family), "none" or a name
  void setValues(OutputFormat format, const QString& ggmlType, const QString& architecture);

  QComboBox* formatBox() const { return format_; }
  QComboBox* typeBox() const { return type_; }
  QComboBox* archBox() const { return arch_; }

 signals:
  void changed();

 private:
  void showRows();

  QFormLayout* form_;
  QComboBox* format_;
  QComboBox* type_;
  QComboBox* arch_;
};

}  // namespace aqui
