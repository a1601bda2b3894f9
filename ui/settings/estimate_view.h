#pragma once
// "What this run will give": output size, bits per weight, time and predicted accuracy for the
// current settings.
#include <QGroupBox>

#include "job/estimate.h"
#include "plan/plan.h"

class QLabel;

namespace aqui {

class EstimateView : public QGroupBox {
  Q_OBJECT
 public:
  explicit EstimateView(QWidget* parent = nullptr);

  void clear();
  /// Exact figures from the plan (shown at once).
  void showPlan(const aq::Plan& plan);
  void showMeasuring();
  void showEstimate(const aq::RunEstimate& e);

  QString sizeText() const;
  /// The size warning, or empty when the output shrinks (for tests).
  QString warningText() const;
  QString bitsText() const;
  QString timeText() const;
  /// "q4_k ×8, q4_1 ×4": the quantized tensors' types (GGUF: with the fallbacks).
  QString typesText() const;
  /// "≈ 21.2 dB SQNR, worst layer 19.8 dB (name)": predicted from the sample.
  QString qualityText() const;

 private:
  QLabel* size_ = nullptr;
  QLabel* bits_ = nullptr;
  QLabel* time_ = nullptr;
  QLabel* tensors_ = nullptr;
  QLabel* types_ = nullptr;
  QLabel* quality_ = nullptr;
  QLabel* warning_ = nullptr;  // shown when the output would not be smaller than the input
};

}  // namespace aqui
