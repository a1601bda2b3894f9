#include "ui/settings/output_format_group.h"

#include <QComboBox>
#include <QFormLayout>

#include "gguf/gguf_names.h"
#include "ui/util/format.h"

namespace aqui {

OutputFormatGroup::OutputFormatGroup(QWidget* parent) : QGroupBox("Output format", parent) {
  form_ = new QFormLayout(this);
  format_ = new QComboBox;
  format_->setObjectName("outputFormat");
  format_->addItem(formatLabel(OutputFormat::Packed), int(OutputFormat::Packed));
  format_->setItemData(0, "ArrowQuant's packed safetensors: any bit width and group size; read by "
                          "ArrowQuant (dequantize, compare) and its numpy decoder",
                       Qt::ToolTipRole);
  format_->addItem(formatLabel(OutputFormat::Gguf), int(OutputFormat::Gguf));
  format_->setItemData(1, "GGUF with ggml block types: loads in ComfyUI-GGUF, stable-diffusion.cpp "
                          "and llama.cpp", Qt::ToolTipRole);
  format_->addItem(formatLabel(OutputFormat::Hdf5), int(OutputFormat::Hdf5));
  format_->setItemData(2, "HDF5, one group per tensor (codes, scales, zeros)", Qt::ToolTipRole);
  format_->setToolTip("The file format written; the output name's extension follows it (the CLI\n"
                      "takes the format from -o's extension: .safetensors, .gguf, .h5)");
  form_->addRow("Format", format_);

  type_ = new QComboBox;
  type_->setObjectName("ggmlType");
  for (const auto& t : ggufTypeChoices()) type_->addItem(t.label(), t.name);
  type_->setToolTip("The ggml type of the quantized tensors. A tensor whose rows the type's blocks "
                    "do not divide falls back to the nearest type that fits (shown per tensor in "
                    "the layer table; --type T)");
  form_->addRow("GGUF type", type_);

  arch_ = new QComboBox;
  arch_->setObjectName("ggufArchitecture");
  arch_->addItem("auto (from the model family)", QString());
  for (const auto& a : aq::gguf::known_architectures()) arch_->addItem(qstr(a), qstr(a));
  arch_->addItem("none (stable-diffusion.cpp mode)", QString("none"));
  arch_->setToolTip("general.architecture, the name ComfyUI-GGUF loads the model as. Auto takes it "
                    "from the detected family and leaves it out when the family has none (--arch NAME)");
  form_->addRow("Architecture", arch_);

  // Long item texts ("none (stable-diffusion.cpp mode)") must not widen the settings dock past
  // its width: the boxes shrink and elide instead.
  for (QComboBox* c : {format_, type_, arch_}) {
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(14);
  }
  for (QComboBox* c : {format_, type_, arch_})
    connect(c, &QComboBox::currentIndexChanged, this, [this] {
      showRows();
      emit changed();
    });
  showRows();
}

OutputFormat OutputFormatGroup::format() const { return OutputFormat(format_->currentData().toInt()); }
QString OutputFormatGroup::ggmlType() const { return type_->currentData().toString(); }
QString OutputFormatGroup::architecture() const { return arch_->currentData().toString(); }

void OutputFormatGroup::setValues(OutputFormat format, const QString& ggmlType, const QString& architecture) {
  const QSignalBlocker b1(format_), b2(type_), b3(arch_);
  format_->setCurrentIndex(std::max(0, format_->findData(int(format))));
  type_->setCurrentIndex(std::max(0, type_->findData(ggmlType)));
  arch_->setCurrentIndex(std::max(0, arch_->findData(architecture)));
  showRows();
}

void OutputFormatGroup::showRows() {
  // The type and architecture only mean something in a GGUF file.
  const bool gguf = format() == OutputFormat::Gguf;
  form_->setRowVisible(type_, gguf);
  form_->setRowVisible(arch_, gguf);
}

}  // namespace aqui
