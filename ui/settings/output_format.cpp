#include "ui/settings/output_format.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

#include "gguf/ggml_types.h"

namespace aqui {

QString formatId(OutputFormat f) {
  switch (f) {
    case OutputFormat::Packed: return "safetensors";
    case OutputFormat::Gguf: return "gguf";
    case OutputFormat::Hdf5: return "hdf5";
  }
  return "safetensors";
}

std::optional<OutputFormat> formatFromId(const QString& id) {
  for (OutputFormat f : {OutputFormat::Packed, OutputFormat::Gguf, OutputFormat::Hdf5})
    if (formatId(f) == id) return f;
  return std::nullopt;
}

QString formatLabel(OutputFormat f) {
  switch (f) {
    case OutputFormat::Packed: return "ArrowQuant packed (.safetensors)";
    case OutputFormat::Gguf: return "GGUF (.gguf)";
    case OutputFormat::Hdf5: return "HDF5 (.h5)";
  }
  return {};
}

QString formatExtension(OutputFormat f) {
  switch (f) {
    case OutputFormat::Packed: return ".safetensors";
    case OutputFormat::Gguf: return ".gguf";
    case OutputFormat::Hdf5: return ".h5";
  }
  return {};
}

std::optional<OutputFormat> formatForPath(const QString& path) {
  const QString lower = path.toLower();
  if (lower.endsWith(".safetensors")) return OutputFormat::Packed;
  if (lower.endsWith(".gguf")) return OutputFormat::Gguf;
  if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) return OutputFormat::Hdf5;
  return std::nullopt;
}

QString GgufTypeChoice::label() const { return QString("%1 · %2 bpw").arg(name).arg(bpw, 0, 'g', 3); }

const std::vector<GgufTypeChoice>& ggufTypeChoices() {
  static const std::vector<GgufTypeChoice> kChoices = [] {
    std::vector<GgufTypeChoice> out;
    for (const auto& t : aq::gguf::ggml_types())
      if (t.quantize)  // only the types we can write
        out.push_back({QString::fromUtf8(t.name.data(), qsizetype(t.name.size())),
                       8.0 * t.type_size / t.block_size, t.quantized});
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      if (a.quantized != b.quantized) return a.quantized;
      return a.bpw > b.bpw;
    });
    return out;
  }();
  return kChoices;
}

std::optional<GgufTypeChoice> ggufTypeChoice(const QString& name) {
  for (const auto& c : ggufTypeChoices())
    if (c.name.compare(name, Qt::CaseInsensitive) == 0) return c;
  return std::nullopt;
}

QString outputFileName(const QString& stem, OutputFormat f, int bits, const QString& ggmlType) {
  const QString scheme = f == OutputFormat::Gguf ? ggmlType : QString("int%1").arg(bits);
  return QString("%1-%2%3").arg(stem, scheme, formatExtension(f));
}

QString stripSchemeSuffix(QString stem) {
  static const QRegularExpression kSuffix("-(int[0-9]+|q[0-9]_(k|0|1)|f16|bf16|f32)$",
                                          QRegularExpression::CaseInsensitiveOption);
  stem.remove(kSuffix);
  return stem;
}

}  // namespace aqui
