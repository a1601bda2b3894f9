#pragma once
// The output formats the settings offer and what follows from the choice: the file extension, the
// output name ("demo-q4_k.gguf"), and the ggml types a GGUF output can take, labelled with their
// bits per weight. The engine's output-format table (io/output_formats.h) decides by extension;
// this is only the GUI's list of the three and their names.
#include <QString>
#include <optional>
#include <vector>

namespace aqui {

enum class OutputFormat { Packed, Gguf, Hdf5 };

QString formatId(OutputFormat f);                          // "safetensors", "gguf", "hdf5" (saved settings)
std::optional<OutputFormat> formatFromId(const QString& id);
QString formatLabel(OutputFormat f);                       // "ArrowQuant packed (.safetensors)"
QString formatExtension(OutputFormat f);                   // ".safetensors", ".gguf", ".h5"
/// The format a file name asks for, by extension; nullopt when none.
std::optional<OutputFormat> formatForPath(const QString& path);

struct GgufTypeChoice {
  QString name;   // ggml's name: "q4_k"
  double bpw;     // bits per weight of the block layout
  bool quantized; // a block type (as opposed to f32/f16/bf16)
  QString label() const;  // "q4_k · 4.5 bpw"
};
/// The ggml types ArrowQuant writes: quantized ones first (most bits first), then the plain ones.
const std::vector<GgufTypeChoice>& ggufTypeChoices();
std::optional<GgufTypeChoice> ggufTypeChoice(const QString& name);

/// "demo" + INT4 packed -> "demo-int4.safetensors"; + GGUF q4_k -> "demo-q4_k.gguf".
QString outputFileName(const QString& stem, OutputFormat f, int bits, const QString& ggmlType);
/// "demo-q4_k" -> "demo", "demo-int4" -> "demo": the name without a suffix outputFileName adds.
QString stripSchemeSuffix(QString stem);

}  // namespace aqui
