#pragma once
// Measures a quantized file (GGUF, ArrowQuant packed) against its original off the GUI thread:
// the engine's compare_models, turned into per-tensor results (aq::comparison_results) that the
// layer table and the accuracy chart show like a run's.
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "job/compare.h"
#include "job/job.h"

namespace aq {
class LogicalModel;
}

namespace aqui {

struct OriginalComparison {
  QString original;   // the reference
  QString quantized;  // the file measured
  aq::Comparison comparison;              // the engine's figures, as compare_models gives them
  std::vector<aq::TensorResult> results;  // one per tensor of the quantized file, in its order
};

class OriginalComparer : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  /// Compares `quantized` (opened as `model`) with `original`; one comparison at a time.
  bool start(const QString& original, const QString& quantized, std::shared_ptr<const aq::LogicalModel> model);
  bool busy() const { return busy_; }

 signals:
  void finished(std::shared_ptr<const aqui::OriginalComparison> result);
  void failed(const QString& message);

 private:
  bool busy_ = false;
};

/// The original a quantized file was most likely made from: beside it, with the name the GUI and
/// the CLI give outputs minus their suffix ("demo-q4_k.gguf" -> "demo.safetensors", also .h5 and
/// diffusers folders). Empty when there is none.
QString guessOriginal(const QString& quantizedPath);

}  // namespace aqui
